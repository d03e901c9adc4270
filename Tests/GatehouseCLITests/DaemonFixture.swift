import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

/// A device with a bundle applied, ready for `gatehouse run`: Anna (an employee with a grant),
/// Carla (suspended), and the visitor invite inv-1 for the site.
struct DaemonFixture {
    let site: CLIFixture
    static let anna = "04A2B3C4D5E6F7"
    static let carla = "0A0B0C0D"

    static let lines = [
        Records.zone("site"), Records.person("anna", roles: ["responder"]), Records.badge("c-anna", person: "anna", uid: anna),
        Records.grant("g-anna", person: "anna", zones: ["site"]), Records.person("carla", status: "suspended"),
        Records.badge("c-carla", person: "carla", uid: carla), Records.grant("g-carla", person: "carla", zones: ["site"]),
        #"{"op":"put","type":"invite","id":"inv-1","kind":"visitor","host":"anna","zones":["site"],"valid_from":"2026-01-01T00:00:00Z","valid_until":"2099-01-01T00:00:00Z","nda_signed":true,"max_entries":1,"status":"invited"}"#,
    ]

    /// `expires`: the bundle's expiry, as `bundle build --expires` takes it; `mqtt`: the broker
    /// URL; `nfc`: the gate-in reader's libnfc connection string; `applyBundle`: false leaves
    /// the device without a policy; `extraLines`: more records for the bundle.
    init(expires: String? = nil, mqtt: String? = nil, nfc: String? = nil, device: String = "gate-01", applyBundle: Bool = true, extraLines: [String] = []) throws {
        site = try CLIFixture(mqtt: mqtt, nfc: nfc, device: device)
        guard applyBundle else { return }
        let bundle = try site.build(version: 1, lines: Self.lines + extraLines, arguments: expires.map { ["--expires", $0, "--allow-expired"] } ?? [])
        let applied = try site.run(["bundle", "apply", bundle, "--config", site.config])
        precondition(applied.status == 0, "apply failed: \(applied.standardError)")
    }

    var config: String { site.config }

    func start(environment: [String: String] = [:]) throws -> RunningDaemon {
        try RunningDaemon(config: config, environment: environment, logFile: site.directory.file("daemon.log"))
    }

    /// A visitor token for inv-1, minted with the CLI.
    func visitorToken() throws -> String {
        let output = try site.run([
            "token", "mint", "--sign", site.directory.file("site/keys/private/invite.jwk"), "--site", "acme", "--invite", "inv-1", "--valid-for", "1h",
        ])
        precondition(output.status == 0, "mint failed: \(output.standardError)")
        return output.standardOutput.trimmingWhitespace()
    }

    /// Waits until at least `count` events of `type` are stored; returns them. Waiting in vain
    /// is a recorded issue.
    @discardableResult
    func wait(for count: Int = 1, _ type: EventType, sourceLocation: SourceLocation = #_sourceLocation) throws -> [JSONObject] {
        var found: [JSONObject] = []
        let arrived = waitUntil { found = ((try? events()) ?? []).filter { $0.string("type") == type.rawValue }; return found.count >= count }
        if !arrived { Issue.record("waited in vain for \(count) \(type.rawValue); have \(found.count)", sourceLocation: sourceLocation) }
        return found
    }

    /// The stored CloudEvents, from `gatehouse events --json`.
    func events() throws -> [JSONObject] {
        let output = try site.run(["events", "--config", config, "--json"])
        precondition(output.status == 0, "events failed: \(output.standardError)")
        return output.standardOutput.split(separator: "\n").compactMap { line in
            if case .object(let object)? = try? JSONReader.parse(String(line)) { object } else { nil }
        }
    }
}
