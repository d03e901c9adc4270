import GatehouseCore
import GatehouseTesting
import Testing

/// A device for the access machine's tests: a lab door with a contact and an exit button, a
/// plain gate without sensors, a turnstile with a rotation sensor, a fail-safe fire exit, a
/// patrol checkpoint, a fire-alarm input; people and a visitor's invite in memory. Inputs are
/// fed one after the other at times the test chooses, with no thread and no clock.
struct AccessScenario {
    static let toml = """
        site = "acme"
        device = "gate-01"
        database = "state/gatehouse.sqlite"
        [trust]
        bundle_keys = "keys/bundle.jwks"
        invite_keys = "keys/invite.jwks"
        command_keys = "keys/command.jwks"
        [policy]
        repeated_denials = 3
        [outputs.lab-relay]
        line = 1
        [outputs.lab-buzzer]
        line = 2
        [outputs.gate-relay]
        line = 3
        [outputs.turnstile-relay]
        line = 4
        [outputs.exit-relay]
        line = 5
        [outputs.cp-led]
        line = 6
        [inputs.lab-contact]
        line = 10
        role = "door_contact"
        [inputs.lab-button]
        line = 11
        role = "exit_button"
        [inputs.turn]
        line = 12
        role = "rotation"
        [inputs.exit-contact]
        line = 13
        role = "door_contact"
        [inputs.fire]
        line = 14
        role = "fire_alarm"
        [inputs.lid]
        line = 15
        role = "tamper"
        [doors.lab]
        zone = "lab"
        relay = "lab-relay"
        buzzer = "lab-buzzer"
        contact = "lab-contact"
        exit_button = "lab-button"
        pulse_ms = 3000
        held_open_s = 30
        [doors.gate]
        zone = "site"
        relay = "gate-relay"
        pulse_ms = 3000
        [doors.turnstile]
        kind = "turnstile"
        zone = "plant"
        relay = "turnstile-relay"
        rotation = "turn"
        pulse_ms = 5000
        [doors.fire-exit]
        zone = "lab"
        relay = "exit-relay"
        contact = "exit-contact"
        fail_mode = "safe"
        [readers.lab-in]
        type = "simulated"
        door = "lab"
        [readers.lab-out]
        type = "simulated"
        door = "lab"
        direction = "out"
        [readers.gate-in]
        type = "simulated"
        door = "gate"
        [readers.turnstile-in]
        type = "simulated"
        door = "turnstile"
        [readers.cp-north]
        type = "simulated"
        checkpoint = "north"
        feedback = "cp-led"
        [readers.assembly]
        type = "simulated"
        role = "muster"
        """

    static let anna = "0A0A0A0A", gus = "06060606", eve = "0E0E0E0E"
    static let start = Moment(wall: Timestamp(rfc3339: "2026-03-02T09:00:00Z")!, monotonic: 5_000_000)

    var machine: AccessMachine
    var policy = MemoryPolicy()
    var now = start

    init(state: RuntimeState = RuntimeState()) throws {
        let config = try GatehouseConfig.parse(toml: Self.toml, file: "gatehouse.toml")
        let invites = TestKeys(kid: "invite-1", purpose: .invite)
        machine = AccessMachine(settings: AccessSettings(config: config, inviteKeys: invites.trust, timeZones: TimeZoneCatalog()), state: state)
        for zone in ["lab", "site", "plant"] {
            policy.zones[zone] = Zone(id: zone, level: .restricted, antiPassback: zone == "lab" ? .hard : .none)
        }
        policy.add(Person(id: "anna", kind: .employee), uid: Self.anna, zones: ["lab", "site", "plant"])
        policy.add(Person(id: "gus", kind: .employee, roles: ["guard"]), uid: Self.gus, zones: ["site"])
        policy.add(Person(id: "eve", kind: .contractor), uid: Self.eve)
        policy.routes = [Route(id: "night", checkpoints: ["north"], everySeconds: 3600, graceSeconds: 300)]
    }

    /// Feeds one input `after` milliseconds past the last, and takes its effects as stored.
    @discardableResult
    mutating func feed(_ input: AccessInput, after milliseconds: Int64 = 0) -> AccessStep {
        now = now.adding(milliseconds: milliseconds)
        return machine.run(input, at: now, policy: policy)
    }

    @discardableResult
    mutating func tap(_ uid: String, at reader: String, after milliseconds: Int64 = 0) -> AccessStep {
        feed(.presented(reader: reader, .credential(format: .uid, value: uid)), after: milliseconds)
    }

    @discardableResult
    mutating func input(_ name: String, _ active: Bool, after milliseconds: Int64 = 0) -> AccessStep {
        feed(.inputChanged(InputChange(input: name, active: active)), after: milliseconds)
    }

    /// Steps the wall clock alone, as NTP would.
    mutating func stepWallClock(by milliseconds: Int64) {
        now.wall = Timestamp(millisecondsSinceEpoch: now.wall.millisecondsSinceEpoch + milliseconds)
    }

    func isInside(_ person: String, _ zone: String) -> Bool { machine.state.isInside(.person(person), zone: zone) }
}

extension AccessStep {
    var types: [EventType] { events.map(\.type) }

    var decision: AccessDecision? {
        if case .decided(_, let decision) = reply { decision } else { nil }
    }
}
