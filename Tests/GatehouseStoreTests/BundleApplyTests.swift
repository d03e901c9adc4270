import Foundation
import GRDB
import GatehouseCore
import GatehouseStore
import GatehouseTesting
import Testing

@Suite("Applying bundles")
struct BundleApplyTests {
    @Test("a snapshot, then deltas, then a gzip snapshot that replaces everything")
    func snapshotDeltasGzip() async throws {
        let store = try StoreFixture()
        let forge = store.forge
        guard case .applied(let first) = try store.apply(try await forge.bundle(version: 1, lines: Records.staff(3) + [Records.zone("site")])) else {
            Issue.record("the first snapshot was not applied")
            return
        }
        #expect(first.version == 1 && first.records == 7 && first.kind == .snapshot)
        #expect(try store.database.status().counts[.person] == 3)

        try store.apply(try await forge.bundle(version: 2, kind: .delta, base: 1, lines: [Records.delete("credential", "c-1"), Records.delete("person", "p-1"), Records.person("p-7"), Records.grant("g-7", person: "p-7", zones: ["site"])]))
        var status = try store.database.status()
        #expect(status.counts[.person] == 3 && status.counts[.credential] == 2 && status.counts[.grant] == 1)
        #expect(try PolicyReader(store.database).credential(format: .uid, value: Records.uid(1)) == nil)

        // A badge moves from one person to another: delete and put in the same delta.
        try store.apply(try await forge.bundle(version: 3, kind: .delta, base: 2, lines: [Records.delete("credential", "c-2"), Records.badge("c-2b", person: "p-7", uid: Records.uid(2))]))
        #expect(try PolicyReader(store.database).credential(format: .uid, value: Records.uid(2))?.person == "p-7")

        try store.apply(try await forge.bundle(version: 10, lines: Records.staff(5, offset: 100), gzip: true))
        status = try store.database.status()
        #expect(status.applied?.version == 10 && status.applied?.kind == .snapshot)
        #expect(status.counts[.person] == 5 && status.counts[.credential] == 5 && status.counts[.grant] == 0 && status.counts[.zone] == 0)
        #expect(try PolicyReader(store.database).credential(format: .uid, value: Records.uid(100))?.id == "c-100")
    }

    @Test("the same version re-sent is a no-op that changes nothing")
    func sameVersionIsNoop() async throws {
        let store = try StoreFixture()
        let bundle = try await store.forge.bundle(version: 7, lines: Records.staff(2))
        try store.apply(bundle)
        let before = try store.snapshot()
        guard case .noop(let manifest) = try store.apply(bundle) else {
            Issue.record("expected a no-op")
            return
        }
        #expect(manifest.version == 7)
        #expect(try store.snapshot() == before)
    }

    @Test("readers see the previous version until the apply commits")
    func readersSeeOldVersion() async throws {
        let store = try StoreFixture()
        try store.apply(try await store.forge.bundle(version: 1, lines: Records.staff(2)))
        let big = try await store.forge.bundle(version: 2, lines: Records.staff(30_000, offset: 1000))
        var seenDuringApply: [Int64?] = []
        var credentialDuringApply: [String?] = []
        _ = try store.applier.apply(.bytes(big)) { _ in
            // Called from inside the write transaction: a reader must not wait, and sees version 1.
            seenDuringApply.append(try? store.database.appliedBundle()?.version)
            credentialDuringApply.append(try? PolicyReader(store.database).credential(format: .uid, value: Records.uid(0))?.id)
        }
        #expect(!seenDuringApply.isEmpty)
        #expect(seenDuringApply.dropLast().allSatisfy { $0 == 1 })
        #expect(credentialDuringApply.dropLast().allSatisfy { $0 == "c-0" })
        #expect(try store.database.appliedBundle()?.version == 2)
        #expect(try PolicyReader(store.database).credential(format: .uid, value: Records.uid(0)) == nil)
    }

    @Test("the policy reader returns a credential's status and validity as the bundle gave them")
    func readsCredentialFields() async throws {
        let store = try StoreFixture()
        let lost = #"{"op":"put","type":"credential","id":"c-9","person":"p-0","format":"uid","value":"04A1B2C3","status":"lost","valid_from":"2026-01-01T00:00:00Z","valid_until":"2026-12-31T23:59:59.500Z"}"#
        try store.apply(try await store.forge.bundle(version: 1, lines: Records.staff(1) + [lost]))
        let reader = try PolicyReader(store.database)
        let credential = try #require(try reader.credential(format: .uid, value: "04A1B2C3"))
        #expect(credential == Credential(
            id: "c-9", person: "p-0", format: .uid, value: "04A1B2C3", status: .lost,
            validFrom: Timestamp(rfc3339: "2026-01-01T00:00:00Z"), validUntil: Timestamp(rfc3339: "2026-12-31T23:59:59.500Z")))
        #expect(try reader.credential(format: .code, value: "04A1B2C3") == nil)
        #expect(try reader.credential(format: .uid, value: Records.uid(0))?.validUntil == nil)
    }

    @Test("every record type lands in the cache with its lookups")
    func everyType() async throws {
        let store = try StoreFixture()
        let lines = Records.staff(1) + [
            #"{"op":"put","type":"zone","id":"lab","level":"restricted","requires":{"approval":true},"anti_passback":"soft"}"#,
            #"{"op":"put","type":"schedule","id":"office","tz":"Europe/Berlin","windows":[{"days":["mon"],"from":"08:00","to":"18:00"}]}"#,
            #"{"op":"put","type":"grant","id":"g1","person":"p-0","zones":["lab"]}"#,
            #"{"op":"put","type":"approval","id":"a1","person":"p-0","zone":"lab","valid_from":"2026-01-01T00:00:00Z","valid_until":"2027-01-01T00:00:00Z","approved_by":"boss"}"#,
            #"{"op":"put","type":"training","id":"t1","person":"p-0","module":"hse","valid_until":"2027-01-01T00:00:00Z"}"#,
            #"{"op":"put","type":"permit","id":"w1","persons":["p-0","p-1"],"zone":"lab","valid_from":"2026-01-01T00:00:00Z","valid_until":"2027-01-01T00:00:00Z","status":"approved","ref":"PTW-1"}"#,
            #"{"op":"put","type":"invite","id":"i1","kind":"visitor","host":"p-0","zones":["lab"],"valid_from":"2026-01-01T00:00:00Z","valid_until":"2027-01-01T00:00:00Z","nda_signed":false,"max_entries":2,"status":"invited"}"#,
            #"{"op":"put","type":"checkpoint","id":"cp1"}"#,
            #"{"op":"put","type":"route","id":"r1","checkpoints":["cp1","cp1"],"every_s":600,"grace_s":60}"#,
        ]
        try store.apply(try await store.forge.bundle(version: 1, lines: lines))
        let counts = try store.database.status().counts
        #expect(RecordType.allCases.allSatisfy { counts[$0] == 1 })
        let permitPeople = try store.policy { db in try String.fetchAll(db, sql: "SELECT person FROM permit_person WHERE permit = 'w1' ORDER BY person") }
        #expect(permitPeople == ["p-0", "p-1"])
        try store.apply(try await store.forge.bundle(version: 2, kind: .delta, base: 1, lines: [Records.delete("permit", "w1"), Records.delete("route", "r1")]))
        let leftovers = try store.policy { db in try Int.fetchOne(db, sql: "SELECT (SELECT count(*) FROM permit_person) + (SELECT count(*) FROM route_checkpoint)") }
        #expect(leftovers == 0)
    }
}
