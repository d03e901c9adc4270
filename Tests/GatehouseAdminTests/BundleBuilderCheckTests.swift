import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseTesting
import Testing

@Suite("The bundle builder checks what it signs")
struct BundleBuilderCheckTests {
    let directory = TemporaryDirectory("gatehouse-build-checks")
    let keys = TestKeys()

    /// The builder's refusal for `inputs`, after checking that it wrote nothing.
    func refusal(_ request: BundleBuildRequest, sourceLocation: SourceLocation = #_sourceLocation) async -> String {
        let output = directory.file("out-\(UUID().uuidString).bundle")
        do {
            _ = try await BundleBuilder(request: request, key: keys.key).build(to: output, issuedAt: Timestamp(millisecondsSinceEpoch: 0))
            Issue.record("built a bundle", sourceLocation: sourceLocation)
            return ""
        } catch {
            #expect(error.code == .input, sourceLocation: sourceLocation)
            #expect(!FileManager.default.fileExists(atPath: output), "nothing written", sourceLocation: sourceLocation)
            return error.message
        }
    }

    @Test("references inside a snapshot: a badge of nobody, a grant to a zone that does not exist, a schedule, a checkpoint, an invite's host, each named with its file and line and the ids known")
    func references() async throws {
        let people = directory.write("people.csv", "id\nemp-1\n")
        let badges = directory.write("badges.csv", "uid,person\n04A1B2C3,emp-9\n")
        let policy = directory.write("policy.jsonl", [
            Records.zone("lab"),
            Records.grant("g-1", person: "emp-1", zones: ["labb"]),
            #"{"op":"put","type":"zone","id":"store","level":"public","anti_passback":"none","schedule":"office-hours"}"#,
            #"{"op":"put","type":"route","id":"night","checkpoints":["north"],"every_s":3600,"grace_s":300}"#,
            #"{"op":"put","type":"invite","id":"inv-1","kind":"visitor","host":"nobody","zones":["lab"],"valid_from":"2026-01-01T00:00:00Z","valid_until":"2099-01-01T00:00:00Z","nda_signed":true,"max_entries":1,"status":"invited"}"#,
        ].joined(separator: "\n") + "\n")
        let message = await refusal(BundleBuildRequest(site: "acme", version: 1, inputs: [people, badges, policy]))
        #expect(message.contains(#"\#(badges):2: credential "badge-"#) && message.contains(#"person names person "emp-9", which no input defines (known: emp-1)"#), "\(message)")
        #expect(message.contains(#"\#(policy):2: grant "g-1": zones names zone "labb", which no input defines (known: lab, store)"#), "\(message)")
        #expect(message.contains(#"\#(policy):3: zone "store": schedule names schedule "office-hours", which no input defines (no input defines any schedule)"#))
        #expect(message.contains(#"\#(policy):4: route "night": checkpoints names checkpoint "north""#))
        #expect(message.contains(#"\#(policy):5: invite "inv-1": host names person "nobody""#))

        // A visitor's training is kept under the invite's id; a person's under the person's.
        let visitor = directory.write("visitor.jsonl", [
            Records.zone("lab"), Records.person("host-1"),
            #"{"op":"put","type":"invite","id":"inv-7","kind":"contractor","host":"host-1","zones":["lab"],"valid_from":"2026-01-01T00:00:00Z","valid_until":"2099-01-01T00:00:00Z","nda_signed":true,"max_entries":1,"status":"invited"}"#,
            #"{"op":"put","type":"training","id":"t-1","person":"inv-7","module":"h2s","valid_until":"2099-01-01T00:00:00Z"}"#,
            #"{"op":"put","type":"training","id":"t-2","person":"ghost","module":"h2s","valid_until":"2099-01-01T00:00:00Z"}"#,
        ].joined(separator: "\n") + "\n")
        let trainings = await refusal(BundleBuildRequest(site: "acme", version: 1, inputs: [visitor]))
        #expect(!trainings.contains("training \"t-1\""), "an invite's training passes: \(trainings)")
        #expect(trainings.contains(#"training "t-2": person names person or invite "ghost", which no input defines (known: host-1, inv-7)"#), "\(trainings)")

        // A delta may name records of its base, which the builder does not see.
        let delta = directory.write("delta.jsonl", Records.grant("g-2", person: "emp-1", zones: ["lab"]) + "\n")
        let built = try await BundleBuilder(request: BundleBuildRequest(site: "acme", version: 2, kind: .delta, base: 1, inputs: [delta]), key: keys.key)
            .build(to: directory.file("delta.bundle"), issuedAt: Timestamp(millisecondsSinceEpoch: 0))
        #expect(built.records == 1)
    }

    @Test("a field the contract does not define is refused with the type's fields (a misspelt requirement does not vanish); --allow-unknown-fields keeps it")
    func unknownFields() async throws {
        let policy = directory.write("zones.jsonl", [
            #"{"op":"put","type":"zone","id":"lab","level":"restricted","anti_passback":"none","requires":{"trainng":["h2s"]}}"#,
            #"{"op":"put","type":"schedule","id":"office","tz":"Europe/Berlin","windows":[{"days":["mon"],"from":"08:00","to":"17:00","too":"18:00"}]}"#,
            #"{"op":"put","type":"person","id":"p-1","kind":"employee","roles":[],"status":"active","team":"blue"}"#,
        ].joined(separator: "\n") + "\n")
        let message = await refusal(BundleBuildRequest(site: "acme", version: 1, inputs: [policy]))
        #expect(message.contains(#"\#(policy):1: zone "lab": unknown field requires.trainng; a zone has anti_passback, capacity, level, name, requires, schedule"#), "\(message)")
        #expect(message.contains(#"\#(policy):2: schedule "office": unknown fields windows[0].from, windows[0].too"#) == false)
        #expect(message.contains(#"\#(policy):2: schedule "office": unknown field windows[0].too"#), "\(message)")
        #expect(message.contains(#"\#(policy):3: person "p-1": unknown field team"#) && message.contains("--allow-unknown-fields"))

        let kept = try await BundleBuilder(request: BundleBuildRequest(site: "acme", version: 1, allowUnknownFields: true, inputs: [directory.write("ext.jsonl", #"{"op":"put","type":"person","id":"p-1","kind":"employee","roles":[],"status":"active","team":"blue"}"# + "\n")]), key: keys.key)
            .build(to: directory.file("ext.bundle"), issuedAt: Timestamp(millisecondsSinceEpoch: 0))
        #expect(kept.records == 1)
    }

    @Test("a CSV row with fewer or more fields than its header, and an unknown column, are refused with the line")
    func rowWidths() async throws {
        let people = directory.write("people.csv", "id,name,kind,status\nemp-1,First,employee,active\nctr-2,Second\nctr-3,Third,contractor,active,extra\n")
        let message = await refusal(BundleBuildRequest(site: "acme", version: 1, inputs: [people]))
        #expect(message.contains("\(people):3: 2 fields where the header has 4 (id, name, kind, status)"), "\(message)")
        #expect(message.contains("\(people):4: 5 fields where the header has 4"))
        let columns = directory.write("cols.csv", "id,name,team\nemp-1,First,blue\n")
        let unknown = await refusal(BundleBuildRequest(site: "acme", version: 1, inputs: [columns]))
        #expect(unknown.contains("\(columns):1: unknown column team in a people file"), "\(unknown)")
    }
}
