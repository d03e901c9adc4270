import Foundation
import GatehouseCore
import GatehouseGPIO
import GatehouseTesting
import Testing

/// The daemon fixture's device (the template's gate: fail-secure, a buzzer, a tamper switch
/// and a fire-alarm input; here two seconds held open) with a
/// fail-safe fire exit and its contact, and a turnstile into the plant zone with a rotation
/// sensor. Bob is an employee who is not a responder; Anna may enter the plant too. Every
/// input here reports at once (`debounce_ms = 0`), so that a change set through the CLI is
/// handled before the CLI returns; debouncing has its own tests.
struct DoorFixture {
    let base: DaemonFixture
    static let bob = "0B0B0B0B"

    static let hardware = """

        [control]
        group = "nogroup"

        [outputs.exit-relay]
        line = 19
        [outputs.turnstile-relay]
        line = 20

        [inputs.turn-rotation]
        line = 26
        role = "rotation"
        debounce_ms = 0
        [inputs.exit-contact]
        line = 27
        role = "door_contact"
        debounce_ms = 0

        [doors.fire-exit]
        zone = "site"
        relay = "exit-relay"
        contact = "exit-contact"
        fail_mode = "safe"

        [doors.turnstile]
        kind = "turnstile"
        zone = "plant"
        relay = "turnstile-relay"
        rotation = "turn-rotation"

        [readers.turnstile-in]
        type = "simulated"
        door = "turnstile"
        direction = "in"
        """

    init() throws {
        base = try DaemonFixture(extraLines: [
            Records.zone("plant"), Records.grant("g-anna-plant", person: "anna", zones: ["plant"]),
            Records.person("bob"), Records.badge("c-bob", person: "bob", uid: Self.bob), Records.grant("g-bob", person: "bob", zones: ["site", "plant"]),
        ])
        var text = try String(contentsOfFile: base.config, encoding: .utf8)
        text = text.replacingOccurrences(of: "held_open_s = 30", with: "held_open_s = 2")
        text = text.replacingOccurrences(of: "debounce_ms = 50", with: "debounce_ms = 0")
        try (text + Self.hardware).write(toFile: base.config, atomically: true, encoding: .utf8)
    }

    var config: String { base.config }

    func start() throws -> RunningDaemon { try base.start() }

    /// Sets a simulated input through the CLI.
    func input(_ name: String, _ level: String) throws {
        let output = try base.site.run(["simulate", "--config", config, "input", name, level])
        precondition(output.status == 0, "input \(name) \(level): \(output.standardError)")
    }

    /// Sets an input, and back: a press of a button, a turn of a turnstile.
    func press(_ name: String) throws {
        try input(name, "high")
        try input(name, "low")
    }

    /// The stored events of one type.
    func events(_ type: EventType) throws -> [JSONObject] {
        try base.events().filter { $0.string("type") == type.rawValue }
    }

    /// Waits until `count` events of `type` are stored; returns them.
    @discardableResult
    func wait(for count: Int = 1, _ type: EventType, sourceLocation: SourceLocation = #_sourceLocation) throws -> [JSONObject] {
        try base.wait(for: count, type, sourceLocation: sourceLocation)
    }

    /// The simulated outputs' levels as the daemon last wrote them, and whether it held the lines.
    func lines() throws -> (claimed: Bool, outputs: [String: String]) {
        let file = SimulatedGPIO.stateFile(forDatabase: base.site.directory.file("site/state/gatehouse.sqlite"))
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        return (object["claimed"] as? Bool ?? false, object["outputs"] as? [String: String] ?? [:])
    }

    /// Waits until `output` is at `level` in the simulated lines' file.
    func waitForOutput(_ output: String, _ level: String) -> Bool {
        waitUntil { (try? lines().outputs[output]) == level }
    }
}
