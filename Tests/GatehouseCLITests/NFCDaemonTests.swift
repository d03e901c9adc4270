import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

/// The daemon with its gate-in reader on real libnfc, talking to the PN532 emulator.
@Suite("NFC readers end to end", .serialized)
struct NFCDaemonTests {
    static let dora = "0102030405060708090A"  // a 10-byte UID
    static let extraLines = [
        Records.person("dora"), Records.badge("c-dora", person: "dora", uid: dora), Records.grant("g-dora", person: "dora", zones: ["site"]),
    ]

    /// A device whose gate-in reader is the emulator, running.
    struct Gate {
        let directory = TemporaryDirectory("gatehouse-nfc")
        let emulator: PN532Emulator
        let fixture: DaemonFixture
        var daemon: RunningDaemon

        init() throws {
            emulator = try PN532Emulator(link: directory.file("pn532"))
            fixture = try DaemonFixture(nfc: emulator.connection, extraLines: NFCDaemonTests.extraLines)
            daemon = try fixture.start()
        }

        /// Waits until the reader has been polled `count` more times (InListPassiveTarget).
        func waitForPolls(_ count: Int) -> Bool {
            let target = emulator.count(of: 0x4A) + count
            return waitUntil { emulator.count(of: 0x4A) >= target }
        }

        /// Waits until the emulator has had no command for 200 ms: it has answered the last one,
        /// so that no answer meant for a killed daemon reaches the next one after libnfc has
        /// flushed the line on opening it.
        func waitForQuiet() -> Bool {
            var last = emulator.commandCount
            var since = Date()
            return waitUntil {
                let now = emulator.commandCount
                if now != last { (last, since) = (now, Date()) }
                return Date().timeIntervalSince(since) >= 0.2
            }
        }

        /// The stored events once `condition` holds for them (up to 30 s).
        func events(until condition: ([JSONObject]) -> Bool) throws -> [JSONObject] {
            var events: [JSONObject] = []
            let held = try waitUntil {
                events = try fixture.events()
                return condition(events)
            }
            #expect(held, "waited in vain; the events were \(events.map { $0.string("type") ?? "" })")
            return events
        }

        /// The access decisions: granted and denied.
        func accessEvents(_ events: [JSONObject]) -> [JSONObject] {
            withoutDoorLife(events).filter { $0.string("type")?.hasPrefix("gatehouse.access.") == true }
        }

        func readerEvents(_ events: [JSONObject]) -> [String] {
            events.filter { $0.string("type") == "gatehouse.alarm.reader_fault" }.compactMap { $0.object("data")?.string("state") }
        }
    }

    @Test("a tap is one decision and one event; a held card does not repeat; taken away and tapped again, it counts again")
    func tapHoldAndTapAgain() throws {
        let gate = try Gate()
        gate.emulator.place(uid: [0x04, 0xA2, 0xB3, 0xC4, 0xD5, 0xE6, 0xF7])
        var events = try gate.events { gate.accessEvents($0).count == 1 }
        let first = try #require(gate.accessEvents(events).first)
        #expect(first.string("type") == "gatehouse.access.granted" && first.object("data")?.string("person") == "anna")
        #expect(first.object("data")?.string("reader") == "gate-in")

        // Held for forty polls: still one.
        #expect(gate.waitForPolls(40))
        events = try gate.fixture.events()
        #expect(gate.accessEvents(events).count == 1)

        // Taken away for long enough, then tapped again.
        gate.emulator.remove()
        #expect(gate.waitForPolls(20))
        gate.emulator.place(uid: [0x04, 0xA2, 0xB3, 0xC4, 0xD5, 0xE6, 0xF7])
        events = try gate.events { gate.accessEvents($0).count == 2 }
        #expect(gate.accessEvents(events).map { $0.object("data")?.string("person") } == ["anna", "anna"])
        #expect(gate.daemon.stop() == 0)
        #expect(!gate.daemon.log.contains(DaemonFixture.anna), "raw UIDs never reach the log")
    }

    @Test("a card held on the reader through damaged frames and a reopen is still one tap")
    func heldThroughDamage() throws {
        let gate = try Gate()
        gate.emulator.place(uid: [0x04, 0xA2, 0xB3, 0xC4, 0xD5, 0xE6, 0xF7])
        _ = try gate.events { gate.accessEvents($0).count == 1 }
        gate.emulator.behaviour = .corrupt
        let damagedFrom = gate.emulator.commandCount
        #expect(waitUntil { gate.emulator.commandCount >= damagedFrom + 3 }, "three damaged answers")
        gate.emulator.behaviour = .normal
        #expect(gate.waitForPolls(20))
        let events = try gate.fixture.events()
        #expect(gate.accessEvents(events).count == 1)
        #expect(gate.daemon.stop() == 0)
    }

    @Test("a daemon killed while polling leaves the reader usable: the next daemon opens it and the next tap counts")
    func killedAndRestarted() throws {
        var gate = try Gate()
        #expect(gate.waitForPolls(5))
        #expect(gate.daemon.stop(signal: SIGKILL) == SIGKILL)
        #expect(gate.waitForQuiet())
        gate.daemon = try gate.fixture.start()
        gate.emulator.place(uid: [0x0A, 0x0B, 0x0C, 0x0D])
        let events = try gate.events { gate.accessEvents($0).count == 1 }
        let faults = events.filter { $0.string("type") == "gatehouse.alarm.reader_fault" }.map { $0.object("data").map { JSONValue.object($0).serialized } ?? "" }
        #expect(faults.isEmpty, "no fault: the port was not left claimed; \(faults)")
        #expect(gate.daemon.stop() == 0)
    }

    @Test("4-, 7- and 10-byte UIDs, and a DESFire card with an ATS, are read and matched as the cache stores them")
    func uidLengths() throws {
        let gate = try Gate()
        let cards: [(EmulatedCard, String)] = [
            (.mifareClassic([0x0A, 0x0B, 0x0C, 0x0D]), "carla"),
            (.desfire([0x04, 0xA2, 0xB3, 0xC4, 0xD5, 0xE6, 0xF7]), "anna"),
            (.tripleSize([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A]), "dora"),
        ]
        for (index, (card, _)) in cards.enumerated() {
            gate.emulator.place(card)
            _ = try gate.events { gate.accessEvents($0).count == index + 1 }
            gate.emulator.remove()
            #expect(gate.waitForPolls(20))
        }
        let events = try gate.fixture.events()
        let decided = gate.accessEvents(events).map { ($0.object("data")?.string("person") ?? "", $0.object("data")?.string("reason") ?? "") }
        #expect(decided.map(\.0) == cards.map(\.1))
        #expect(decided.map(\.1) == ["person_inactive", "granted", "granted"])
        #expect(gate.daemon.stop() == 0)
    }

    @Test("a reader that goes silent raises reader_fault, and an event when it answers again; taps work after")
    func silenceAndRecovery() throws {
        let gate = try Gate()
        #expect(gate.waitForPolls(3))
        gate.emulator.behaviour = .silent
        _ = try gate.events { gate.readerEvents($0) == ["fault"] }
        gate.emulator.behaviour = .normal
        var events = try gate.events { gate.readerEvents($0) == ["fault", "recovered"] }
        let fault = try #require(events.first { $0.string("type") == "gatehouse.alarm.reader_fault" })
        #expect(fault.string("subject") == "gate-in" && fault.object("data")?.string("connection") == gate.emulator.connection)
        #expect(fault.object("data")?.string("reason") != nil)

        gate.emulator.place(uid: [0x04, 0xA2, 0xB3, 0xC4, 0xD5, 0xE6, 0xF7])
        events = try gate.events { gate.accessEvents($0).count == 1 }
        #expect(gate.daemon.stop() == 0)
    }

    @Test("corrupt frames and an unplugged reader fault and recover without crashing the daemon; the other readers keep working")
    func corruptFramesAndUnplug() throws {
        let gate = try Gate()
        #expect(gate.waitForPolls(3))
        gate.emulator.behaviour = .corrupt
        _ = try gate.events { gate.readerEvents($0) == ["fault"] }
        // The simulated gate-out reader is served meanwhile.
        let exit = try gate.daemon.simulate(reader: "gate-out", "uid", DaemonFixture.anna)
        #expect(exit.status == 0 && exit.reply?.string("decision") == "granted")
        gate.emulator.behaviour = .normal
        _ = try gate.events { gate.readerEvents($0) == ["fault", "recovered"] }

        gate.emulator.unplug()
        _ = try gate.events { gate.readerEvents($0) == ["fault", "recovered", "fault"] }
        try gate.emulator.plug()
        _ = try gate.events { gate.readerEvents($0) == ["fault", "recovered", "fault", "recovered"] }
        gate.emulator.place(uid: [0x0A, 0x0B, 0x0C, 0x0D])
        let events = try gate.events { gate.accessEvents($0).count == 2 }
        #expect(gate.accessEvents(events).last?.object("data")?.string("reason") == "person_inactive")
        #expect(gate.daemon.stop() == 0)
        // libnfc's own complaints are in the daemon's log format, not raw on standard error.
        #expect(gate.daemon.log.contains("nfc.category=libnfc."))
        #expect(!gate.daemon.log.contains("\tlibnfc."))
    }

    @Test("the reader unplugged and plugged in again fifty times: each time one fault and one recovery, no file descriptor kept, and a tap is decided after the last")
    func unplugFiftyTimes() throws {
        let gate = try Gate()
        #expect(gate.waitForPolls(3))
        let descriptors = { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(gate.daemon.pid)/fd").count) ?? 0 }
        var first = 0
        for round in 1...50 {
            gate.emulator.unplug()
            _ = try gate.events { gate.readerEvents($0).count == 2 * round - 1 }
            try gate.emulator.plug()
            _ = try gate.events { gate.readerEvents($0).count == 2 * round }
            if round == 1 { first = descriptors() }
        }
        let states = gate.readerEvents(try gate.fixture.events())
        #expect(states == Array(repeating: ["fault", "recovered"], count: 50).flatMap { $0 })
        #expect(descriptors() <= first + 2, "file descriptors: \(first) after the first round, \(descriptors()) after the fiftieth")
        gate.emulator.place(uid: [0x04, 0xA2, 0xB3, 0xC4, 0xD5, 0xE6, 0xF7])
        let events = try gate.events { gate.accessEvents($0).count == 1 }
        #expect(gate.accessEvents(events).first?.string("type") == "gatehouse.access.granted")
        #expect(gate.daemon.stop() == 0)
    }
}
