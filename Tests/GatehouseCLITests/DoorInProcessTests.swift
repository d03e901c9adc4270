import Foundation
import GatehouseCore
import GatehouseDaemon
import GatehouseStore
import GatehouseTesting
import Testing

/// Doors and turnstiles through the daemon in the test process (`withDaemon`), on simulated
/// GPIO lines, with clocks the test moves: a door's window and its held-open time pass when the
/// test says, not in real seconds.
@Suite("Doors and turnstiles in-process")
struct DoorInProcessTests {
    /// The daemon of a door fixture, and what the tests ask of it.
    struct Gate {
        let daemon: Daemon
        let doors: DoorFixture
        let clock: ManualClock

        func events(_ type: EventType) throws -> [JSONObject] {
            try daemon.events().filter { $0.type == type.rawValue }.compactMap { event in
                guard case .object(let object)? = try? JSONReader.parse(Array(event.payload.utf8)) else { return nil }
                return object.object("data")
            }
        }

        /// Waits until `count` events of `type` are stored; their data.
        @discardableResult
        func wait(for count: Int = 1, _ type: EventType) async throws -> [JSONObject] {
            let arrived = try await daemon.waitForEvents { $0.filter { $0.type == type.rawValue }.count >= count }
            #expect(arrived, "waited in vain for \(count) \(type.rawValue)")
            return try events(type)
        }

        /// Sets an input, then gives the GPIO thread (every 10 ms) time to see it.
        func input(_ name: String, _ high: Bool) async throws {
            daemon.setInput(name, high: high)
            try await Task.sleep(for: .milliseconds(100))
        }

        func output(_ name: String) throws -> String? { try doors.lines().outputs[name] }

        func inside(_ zone: String) throws -> Int { try daemon.eventLog.runtimeState().headcount[zone] ?? 0 }
    }

    func withGate(_ body: (Gate) async throws -> Void) async throws {
        let doors = try DoorFixture()
        let clock = ManualClock()
        let config = try ConfigFile.loadForDaemon(doors.config).config
        try await withDaemon(config: config, dependencies: .inProcess(clock: clock.daemonClock)) { daemon in
            try await body(Gate(daemon: daemon, doors: doors, clock: clock))
        }
    }

    @Test("a passage, an unused grant, a forced door, an exit request, a door held open with its pre-alarm, tamper")
    func doorLife() async throws {
        try await withGate { gate in
            // Anna is let in and opens the door: her passage.
            #expect(try await gate.daemon.present(reader: "gate-in", uid: DaemonFixture.anna).decision.reason == .granted)
            try await gate.input("gate-contact", true)
            let passage = try #require(try await gate.wait(.accessPassage).first)
            #expect(passage.string("person") == "anna" && passage.string("door") == "gate" && passage.string("reader") == "gate-in")
            try await gate.input("gate-contact", false)
            #expect(try gate.inside("site") == 1)

            // Granted on the way out, but the door stays shut: no_passage once the pulse is over.
            #expect(try await gate.daemon.present(reader: "gate-out", uid: DaemonFixture.anna).decision.reason == .granted)
            gate.clock.advance(milliseconds: 3000)
            let unused = try #require(try await gate.wait(.accessNoPassage).first)
            #expect(unused.string("person") == "anna" && unused.string("direction") == "out")
            #expect(try gate.inside("site") == 1, "she never went out")

            // Opened with no grant: forced.
            try await gate.input("gate-contact", true)
            try await gate.wait(.alarmDoorForced)
            try await gate.input("gate-contact", false)

            // The exit button, then the door: no alarm. The tamper switch after it shows that the
            // access thread has handled both.
            try await gate.input("gate-exit", true)
            try await gate.input("gate-contact", true)
            try await gate.input("gate-exit", false)
            try await gate.input("gate-contact", false)
            try await gate.input("gate-tamper", true)
            let tamper = try #require(try await gate.wait(.alarmTamper).first)
            #expect(tamper.string("input") == "gate-tamper" && tamper.string("state") == "tampered")
            #expect(try gate.events(.alarmDoorForced).count == 1, "the exit request opened the door without an alarm")
            try await gate.input("gate-tamper", false)
            #expect(try await gate.wait(for: 2, .alarmTamper).last?.string("state") == "restored")

            // Let in, and the door stands open: the buzzer a second before the limit, then door_held;
            // closing silences it (held_open_s = 2).
            #expect(try await gate.daemon.present(reader: "gate-in", uid: DaemonFixture.anna).decision.reason == .granted)
            try await gate.input("gate-contact", true)
            try await gate.wait(for: 2, .accessPassage)
            gate.clock.advance(milliseconds: 1000)
            #expect(try await gate.daemon.waitForEvents { _ in (try? gate.output("gate-buzzer")) == "active" }, "the pre-alarm sounds the buzzer")
            #expect(try gate.events(.alarmDoorHeld).isEmpty)
            gate.clock.advance(milliseconds: 1000)
            let held = try #require(try await gate.wait(.alarmDoorHeld).first)
            #expect(held.string("door") == "gate" && held.integer("held_open_s") == 2)
            try await gate.input("gate-contact", false)
            #expect(try await gate.daemon.waitForEvents { _ in (try? gate.output("gate-buzzer")) == "inactive" })
        }
    }

    @Test("a turnstile counts people in when it turns: a grant nobody uses leaves the count alone; a free turn is forced")
    func turnstileOccupancy() async throws {
        try await withGate { gate in
            #expect(try await gate.daemon.present(reader: "turnstile-in", uid: DaemonFixture.anna).decision.reason == .granted)
            #expect(try gate.inside("plant") == 0, "granted, not yet through")
            try await gate.input("turn-rotation", true)
            try await gate.input("turn-rotation", false)
            let passage = try #require(try await gate.wait(.accessPassage).first)
            #expect(passage.string("person") == "anna" && passage.string("kind") == "turnstile")
            #expect(try gate.inside("plant") == 1)

            #expect(try await gate.daemon.present(reader: "turnstile-in", uid: DoorFixture.bob).decision.reason == .granted)
            gate.clock.advance(milliseconds: 3000)
            #expect(try await gate.wait(.accessNoPassage).first?.string("person") == "bob")
            #expect(try gate.inside("plant") == 1, "Bob never turned it")
            try await gate.input("turn-rotation", true)
            try await gate.input("turn-rotation", false)
            try await gate.wait(.alarmDoorForced)
        }
    }
}
