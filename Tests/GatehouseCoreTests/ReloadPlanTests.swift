import Foundation
import GatehouseCore
import Testing

@Suite("What a reload changes")
struct ReloadPlanTests {
    static let base = ConfigParsingTests.valid + """

        [readers.desk]
        type = "simulated"
        door = "gate"
        """

    func plan(_ change: (inout String) -> Void) throws -> ReloadPlan {
        var text = Self.base
        change(&text)
        let running = try GatehouseConfig.parse(toml: Self.base, file: "gatehouse.toml")
        return ReloadPlan(running: running, loaded: try GatehouseConfig.parse(toml: text, file: "gatehouse.toml"))
    }

    @Test("the same file: no change")
    func unchanged() throws {
        #expect(try plan { _ in }.changes.isEmpty)
    }

    @Test("each part of the file: applies now, needs a restart, or refuses the reload", arguments: [
        ("site = \"acme\"", "site = \"other\"", "site", ReloadPlan.Verdict.refused),
        ("database = \"state/gatehouse.sqlite\"", "database = \"elsewhere.sqlite\"", "database", .refused),
        ("[outputs.relay]\nline = 17", "[outputs.relay]\nline = 18", "[outputs] (or a door's fail_mode)", .refused),
        ("role = \"door_contact\"", "role = \"door_contact\"\ndebounce_ms = 100", "[inputs]", .refused),
        ("url = \"mqtts://broker.acme.example:8883\"", "url = \"mqtts://broker2.acme.example:8883\"", "[mqtt]", .needsRestart),
        ("connection = \"pn532_uart:/dev/ttyUSB0\"", "connection = \"pn532_uart:/dev/ttyUSB1\"", "readers.gate-in", .needsRestart),
        ("checkpoint = \"north\"", "checkpoint = \"south\"", "readers.cp-north", .appliesNow),
        ("type = \"simulated\"\ndoor = \"gate\"", "type = \"simulated\"\ndoor = \"gate\"\ndirection = \"out\"", "readers.desk", .appliesNow),
        ("zone = \"site\"", "zone = \"yard\"", "doors.gate", .appliesNow),
    ])
    func verdicts(_ old: String, _ new: String, _ key: String, _ verdict: ReloadPlan.Verdict) throws {
        let plan = try plan { $0 = $0.replacingOccurrences(of: old, with: new) }
        #expect(plan.changes.map(\.key) == [key] && plan.changes.first?.verdict == verdict)
        #expect(plan.isRefused == (verdict == .refused))
    }

    @Test("a policy change applies now; a new simulated reader too; a new NFC reader needs a restart")
    func additions() throws {
        let policy = try plan { $0 += "\n[policy]\nrepeated_denials = 9\n" }
        #expect(policy.changes.map(\.description) == ["[policy]: applies now (from the next decision)"])
        let readers = try plan { $0 += "\n[readers.side]\ntype = \"simulated\"\ndoor = \"gate\"\n[readers.badge]\ntype = \"nfc\"\nconnection = \"pn532_uart:/dev/ttyS1\"\ndoor = \"gate\"\n" }
        #expect(readers.changes.map(\.key) == ["readers.badge", "readers.side"] && readers.changes.map(\.verdict) == [.needsRestart, .appliesNow] && !readers.isRefused, "\(readers.changes)")
    }

    @Test("what runs after a reload: the new file, but what needs a restart as it runs; the next plan still shows it")
    func effective() throws {
        let running = try GatehouseConfig.parse(toml: Self.base, file: "gatehouse.toml")
        var text = Self.base.replacingOccurrences(of: "pn532_uart:/dev/ttyUSB0", with: "pn532_uart:/dev/ttyUSB1")
        text = text.replacingOccurrences(of: "broker.acme.example", with: "broker2.acme.example")
        text = text.replacingOccurrences(of: "checkpoint = \"north\"", with: "checkpoint = \"south\"")
        let loaded = try GatehouseConfig.parse(toml: text, file: "gatehouse.toml")
        let effective = ReloadPlan(running: running, loaded: loaded).effective(running: running, loaded: loaded)
        #expect(effective.reader("gate-in") == running.reader("gate-in"), "its thread runs the old device until a restart")
        #expect(effective.mqtt == running.mqtt)
        #expect(effective.reader("cp-north")?.checkpoint == "south", "what applies now, applies")
        let next = ReloadPlan(running: effective, loaded: loaded)
        #expect(next.changes.map(\.key) == ["[mqtt]", "readers.gate-in"] && next.changes.allSatisfy { $0.verdict == .needsRestart })
    }
}
