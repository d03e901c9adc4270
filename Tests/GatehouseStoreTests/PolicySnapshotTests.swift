import Foundation
import GatehouseCore
import GatehouseStore
import GatehouseTesting
import Testing

@Suite("The engine's view of the cache")
struct PolicySnapshotTests {
    static let lines = [
        #"{"op":"put","type":"person","id":"ann","kind":"contractor","roles":["guard","escort"],"status":"active","valid_until":"2027-06-30T00:00:00.000Z","label":"Ann"}"#,
        #"{"op":"put","type":"credential","id":"c1","person":"ann","format":"uid","value":"04A2B3C4D5E6F7","status":"active","valid_from":"2026-01-01T00:00:00.000Z"}"#,
        #"{"op":"put","type":"credential","id":"c2","person":"ann","format":"code","value":"PASS-17","status":"lost"}"#,
        #"{"op":"put","type":"zone","id":"sub","name":"Substation","level":"restricted","requires":{"approval":true,"permit":true,"trainings":["hv","first-aid"]},"anti_passback":"hard","capacity":4,"schedule":"work"}"#,
        #"{"op":"put","type":"schedule","id":"work","tz":"Europe/Berlin","windows":[{"days":["mon","fri"],"from":"22:00","to":"06:00"}],"exceptions":[{"date":"2026-12-25","windows":[]}]}"#,
        #"{"op":"put","type":"grant","id":"g1","person":"ann","zones":["sub","site"],"schedule":"work","valid_until":"2027-01-01T00:00:00.000Z"}"#,
        #"{"op":"put","type":"grant","id":"g2","person":"ann","zones":["site"]}"#,
        #"{"op":"put","type":"approval","id":"a1","person":"ann","zone":"sub","valid_from":"2026-01-01T00:00:00.000Z","valid_until":"2027-01-01T00:00:00.000Z","approved_by":"boss","ref":"RA-1"}"#,
        #"{"op":"put","type":"training","id":"t1","person":"ann","module":"hv","valid_until":"2027-01-01T00:00:00.000Z"}"#,
        #"{"op":"put","type":"permit","id":"p1","persons":["ann","bob"],"zone":"sub","valid_from":"2026-01-01T00:00:00.000Z","valid_until":"2027-01-01T00:00:00.000Z","status":"active","ref":"PTW-9","risk":"high"}"#,
        #"{"op":"put","type":"invite","id":"inv","kind":"delivery","host":"ann","zones":["site"],"valid_from":"2026-01-01T00:00:00.000Z","valid_until":"2027-01-01T00:00:00.000Z","nda_signed":true,"max_entries":3,"status":"invited"}"#,
    ]

    func record(_ line: String) throws -> PolicyRecord {
        guard case .put(let record) = try BundleOperation.decode(line: Array(line.utf8), isKnownTimeZone: { _ in true }) else {
            throw MalformedRecord(field: "op", problem: "expected a put")
        }
        return record
    }

    @Test("every record reads back as the bundle put it")
    func roundTrip() async throws {
        let store = try StoreFixture()
        try store.apply(try await store.forge.bundle(version: 4, lines: Self.lines))
        let expected = try Self.lines.map(record)
        let reader = try PolicyReader(store.database)
        let found: [PolicyRecord?] = try reader.read { view in
            [
                try view.person("ann").map(PolicyRecord.person),
                try view.credential(format: .uid, value: "04A2B3C4D5E6F7").map(PolicyRecord.credential),
                try view.credential(format: .code, value: "PASS-17").map(PolicyRecord.credential),
                try view.zone("sub").map(PolicyRecord.zone),
                try view.schedule("work").map(PolicyRecord.schedule),
            ] + (try view.grants(person: "ann").sorted { $0.id < $1.id }.map(PolicyRecord.grant))
                + (try view.approvals(person: "ann", zone: "sub").map(PolicyRecord.approval))
                + (try view.trainings(person: "ann", module: "hv").map(PolicyRecord.training))
                + (try view.permits(person: "bob", zone: "sub").map(PolicyRecord.permit))
                + [try view.invite("inv").map(PolicyRecord.invite)]
        }
        #expect(found == expected.map(Optional.some))
        let absent: [Bool] = try reader.read { view in
            [
                try view.credential(format: .code, value: "04A2B3C4D5E6F7") == nil, try view.approvals(person: "ann", zone: "site").isEmpty,
                try view.permits(person: "bob", zone: "site").isEmpty, try view.person("nobody") == nil, try view.zone("nowhere") == nil,
                try view.invite("none") == nil, try view.appliedBundle()?.version == 4,
            ]
        }
        #expect(absent.allSatisfy { $0 })
    }

    @Test("zones and schedules are decoded once per bundle: a reader that kept them keeps its version until it follows the swap, then sees the change")
    func recordsFollowTheBundle() async throws {
        let store = try StoreFixture()
        try store.apply(try await store.forge.bundle(version: 4, lines: Self.lines))
        let reader = try PolicyReader(store.database)
        #expect(try reader.read { try $0.zone("sub")?.antiPassback } == .hard)
        #expect(try reader.read { try $0.zone("sub")?.antiPassback } == .hard, "from the cache")
        let changed = Self.lines[3].replacingOccurrences(of: #""anti_passback":"hard""#, with: #""anti_passback":"soft""#)
        let retimed = Self.lines[4].replacingOccurrences(of: "Europe/Berlin", with: "Europe/London")
        try store.apply(try await store.forge.bundle(version: 5, lines: Self.lines.enumerated().map { $0.offset == 3 ? changed : $0.offset == 4 ? retimed : $0.element }))
        #expect(try reader.read { try $0.appliedBundle()?.version } == 4, "between two decisions only")
        #expect(try reader.follow())
        #expect(try reader.follow() == false, "already on the file in force")
        #expect(try reader.read { try $0.appliedBundle()?.version } == 5)
        #expect(try reader.read { try $0.zone("sub")?.antiPassback } == .soft)
        #expect(try reader.read { try $0.schedule("work")?.timeZone } == "Europe/London")
    }
}
