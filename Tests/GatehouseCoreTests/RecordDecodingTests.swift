import Foundation
import GatehouseTesting
import Testing

@testable import GatehouseCore

@Suite("Bundle records")
struct RecordDecodingTests {
    func decode(_ line: String) throws(MalformedRecord) -> BundleOperation {
        try BundleOperation.decode(line: Array(line.utf8), isKnownTimeZone: { TimeZone(identifier: $0) != nil })
    }

    @Test("a zone's 1.1 requirements: authenticated_card, two_person with within_s (default 30), pin")
    func zoneRequirements() throws {
        func zone(_ requires: String) throws -> Zone? {
            guard case .put(.zone(let zone)) = try decode(#"{"op":"put","type":"zone","id":"vault","level":"high_security","anti_passback":"none","requires":\#(requires)}"#) else { return nil }
            return zone
        }
        let vault = try #require(try zone(#"{"authenticated_card":true,"two_person":{"within_s":45},"pin":true}"#))
        #expect(vault.requires.authenticatedCard && vault.requires.twoPersonWithinSeconds == 45 && vault.requires.pin)
        #expect(try zone(#"{"two_person":{}}"#)?.requires.twoPersonWithinSeconds == 30)
        #expect(throws: MalformedRecord.self) { try zone(#"{"two_person":{"within_s":0}}"#) }
        #expect(throws: MalformedRecord.self) { try zone(#"{"two_person":true}"#) }
    }

    @Test("reads every record type of protocol section 3")
    func readsEveryType() throws {
        let lines = [
            Records.person("p1", roles: ["guard"]),
            Records.badge("c1", person: "p1", uid: "04A2B3C4D5E6F7"),
            #"{"op":"put","type":"zone","id":"lab","level":"restricted","requires":{"approval":true,"trainings":["hse-1"]},"anti_passback":"hard","capacity":12,"schedule":"office"}"#,
            #"{"op":"put","type":"schedule","id":"office","tz":"Europe/Berlin","windows":[{"days":["mon","fri"],"from":"22:00","to":"06:00"}],"exceptions":[{"date":"2026-12-25","windows":[]}]}"#,
            #"{"op":"put","type":"grant","id":"g1","person":"p1","zones":["lab"],"schedule":"office","valid_until":"2027-01-01T00:00:00Z"}"#,
            #"{"op":"put","type":"approval","id":"a1","person":"p1","zone":"lab","valid_from":"2026-01-01T00:00:00Z","valid_until":"2027-01-01T00:00:00Z","approved_by":"boss"}"#,
            #"{"op":"put","type":"training","id":"t1","person":"p1","module":"hse-1","valid_until":"2027-01-01T00:00:00Z"}"#,
            #"{"op":"put","type":"permit","id":"w1","persons":["p1"],"zone":"lab","valid_from":"2026-01-01T00:00:00Z","valid_until":"2027-01-01T00:00:00Z","status":"active","ref":"PTW-1"}"#,
            #"{"op":"put","type":"invite","id":"i1","kind":"visitor","host":"p1","zones":["lab"],"valid_from":"2026-01-01T00:00:00Z","valid_until":"2027-01-01T00:00:00Z","nda_signed":true,"status":"invited"}"#,
            #"{"op":"put","type":"checkpoint","id":"cp1","name":"North fence"}"#,
            #"{"op":"put","type":"route","id":"r1","checkpoints":["cp1"],"every_s":3600,"grace_s":300}"#,
            Records.delete("person", "p9"),
        ]
        let operations = try lines.map(decode)
        #expect(operations.count == 12)
        guard case .put(.schedule(let schedule)) = operations[3] else { Issue.record("schedule"); return }
        #expect(schedule.windows[0].fromMinute == 22 * 60 && schedule.windows[0].toMinute == 6 * 60)
        guard case .put(.invite(let invite)) = operations[8] else { Issue.record("invite"); return }
        #expect(invite.maxEntries == 1)
        #expect(operations[11] == .delete(.person, id: "p9"))
    }

    @Test("ignores unknown fields inside a record")
    func ignoresUnknownFields() throws {
        let operation = try decode(#"{"op":"put","type":"checkpoint","id":"cp1","colour":"red","extra":{"a":[1]}}"#)
        #expect(operation == .put(.checkpoint(Checkpoint(id: "cp1"))))
    }

    @Test(
        "names the field and what was expected in a malformed record",
        arguments: [
            (#"{"op":"put","type":"robot","id":"x"}"#, "type", "unknown record type"),
            (#"{"op":"upsert","type":"person","id":"x","kind":"employee","status":"active"}"#, "op", "put or del"),
            (#"{"op":"put","type":"person","id":"has space","kind":"employee","status":"active"}"#, "id", "an id"),
            (#"{"op":"put","type":"person","id":"p","kind":"alien","status":"active"}"#, "kind", "one of employee"),
            (#"{"op":"put","type":"person","id":"p","kind":"employee"}"#, "status", "required"),
            (#"{"op":"put","type":"credential","id":"c","person":"p","format":"uid","value":"04:a2:b3:c4","status":"active"}"#, "value", "uppercase hex"),
            (#"{"op":"put","type":"grant","id":"g","person":"p","zones":[]}"#, "zones", "at least one"),
            (#"{"op":"put","type":"training","id":"t","person":"p","module":"m","valid_until":"tomorrow"}"#, "valid_until", "RFC 3339"),
            (#"{"op":"put","type":"schedule","id":"s","tz":"Mars/Olympus","windows":[]}"#, "tz", "IANA"),
            (#"{"op":"put","type":"schedule","id":"s","tz":"UTC","windows":[{"days":["mon"],"from":"9:00","to":"17:00"}]}"#, "windows[0].from", "HH:MM"),
            (#"{"op":"put","type":"route","id":"r","checkpoints":["a"],"every_s":0,"grace_s":0}"#, "every_s", "from 1"),
            (#"{"op":"put","type":"approval","id":"a","person":"p","zone":"z","valid_from":"2027-01-01T00:00:00Z","valid_until":"2026-01-01T00:00:00Z","approved_by":"b"}"#, "valid_until", "before"),
            (#"["not","an","object"]"#, "", "JSON object"),
            (#"{"op":"put","type":"person""#, "", "invalid JSON"),
        ])
    func namesTheProblem(_ line: String, _ field: String, _ words: String) {
        do {
            _ = try decode(line)
            Issue.record("accepted \(line)")
        } catch {
            #expect(error.field == field)
            #expect(error.problem.contains(words), "\(error.problem)")
        }
    }

    @Test("normalises badge UIDs as the bundle tools store them")
    func normalisesUIDs() {
        #expect(BadgeUID.normalize("04:a2:b3:c4:d5:e6:f7") == "04A2B3C4D5E6F7")
        #expect(BadgeUID.normalize(" 0x0a0b0c0d ") == "0A0B0C0D")
        #expect(BadgeUID.normalize("00-00-00-01") == "00000001")
        #expect(BadgeUID.normalize("abc") == nil)
        #expect(BadgeUID.normalize("0102") == nil)
        #expect(BadgeUID.hex([0x04, 0x0A, 0xFF]) == "040AFF")
    }
}
