import GatehouseCore
import GatehouseTesting
import Testing

/// The evacuation's roll call in the access machine, as sequences over the clock: who was
/// inside, entries and exits during it, musters here and at another device, the muster list's
/// 5 s rhythm, the all clear, drills and their report, a restart in the middle.
@Suite("The roll call: evacuations, musters and drills")
struct RollCallTests {
    static let ben = "0B0B0B0B"

    /// Anna in the site (through the gate) and in the lab (its door opened); Ben in the site.
    func scenario() throws -> AccessScenario {
        var s = try AccessScenario()
        s.policy.add(Person(id: "ben", kind: .employee), uid: Self.ben, zones: ["site"])
        s.tap(AccessScenario.anna, at: "gate-in")
        s.tap(AccessScenario.anna, at: "lab-in", after: 100)
        s.input("lab-contact", true, after: 500)
        s.input("lab-contact", false, after: 500)
        s.tap(Self.ben, at: "gate-in", after: 100)
        return s
    }

    func evacuate(_ s: inout AccessScenario, drill: Bool = false, after: Int64 = 1000) -> AccessStep {
        s.feed(.modeRequested(ModeRequest(.evacuation, drill: drill), origin: "cli:test"), after: after)
    }

    func unaccounted(_ s: AccessScenario, _ zone: String) -> [Occupant] { s.machine.state.rollCall?.roll(of: zone).unaccounted ?? [] }

    @Test("the roll call begins with who is inside; a muster marks one safe everywhere, with the zone the device had them in")
    func beginAndMuster() throws {
        var s = try scenario()
        let begin = evacuate(&s)
        #expect(begin.types.prefix(2) == [.emergencyModeChanged, .emergencyMuster])
        let list = try #require(begin.events.first { $0.type == .emergencyMuster })
        #expect(list.data["unaccounted_total"] == .integer(3), "anna in site and lab, ben in site")
        #expect(unaccounted(s, "site") == [.person("anna"), .person("ben")] && unaccounted(s, "lab") == [.person("anna")])
        let mustered = s.tap(AccessScenario.anna, at: "assembly", after: 1000)
        #expect(mustered.decision?.reason == .mustered && mustered.types == [.emergencyMustered])
        #expect(mustered.events[0].data["person"] == .string("anna") && mustered.events[0].data["zone_left"] == .string("lab"))
        #expect(unaccounted(s, "site") == [.person("ben")] && unaccounted(s, "lab").isEmpty)
        #expect(s.tap(AccessScenario.anna, at: "assembly", after: 100).types.isEmpty, "a second muster stores nothing")
    }

    @Test("the muster list is republished when the roll call changes, at most every 5 s; the last muster gives the all clear at once")
    func rhythmAndAllClear() throws {
        var s = try scenario()
        evacuate(&s)
        s.tap(AccessScenario.anna, at: "assembly", after: 1000)
        #expect(s.feed(.tick, after: 3000).events.isEmpty, "4 s after the last list")
        #expect(s.feed(.tick, after: 1000).types == [.emergencyMuster], "5 s: the change is published")
        #expect(s.feed(.tick, after: 6000).events.isEmpty, "no change, no list")
        let last = s.tap(Self.ben, at: "assembly", after: 500)
        #expect(last.types == [.emergencyMustered, .emergencyMuster, .emergencyAllClear])
        let clear = last.events[2].data
        #expect(clear["zones"] == .array([.string("lab"), .string("site")]) && clear["counts"] == .object(JSONObject([("lab", .integer(1)), ("site", .integer(2))])))
        #expect(s.machine.state.rollCall?.isAllClear == true)
    }

    @Test("leaving through a door accounts for the zone left; entering an evacuated zone during it is unaccounted for")
    func exitsAndEntries() throws {
        var s = try scenario()
        evacuate(&s)
        s.tap(AccessScenario.anna, at: "lab-out", after: 1000)
        s.input("lab-contact", true, after: 500)
        #expect(unaccounted(s, "lab").isEmpty && unaccounted(s, "site") == [.person("anna"), .person("ben")])
        // Gus comes in at the gate during the evacuation (a responder would, say).
        s.policy.add(Person(id: "gus2", kind: .employee), uid: "07070707", zones: ["site"])
        s.tap("07070707", at: "gate-in", after: 1000)
        #expect(unaccounted(s, "site").contains(.person("gus2")))
    }

    @Test("zones added to an evacuation are counted from then; a muster made before still counts")
    func widened() throws {
        var s = try scenario()
        s.feed(.modeRequested(ModeRequest(.evacuation, zones: ["lab"]), origin: "cli:test"), after: 1000)
        #expect(s.machine.state.rollCall?.countedZones == ["lab"])
        s.tap(AccessScenario.anna, at: "assembly", after: 1000)
        s.feed(.modeRequested(ModeRequest(.evacuation, zones: ["site"]), origin: "cli:test"), after: 1000)
        let call = try #require(s.machine.state.rollCall)
        #expect(call.countedZones == ["lab", "site"] && call.startCounts["site"] == 2)
        #expect(unaccounted(s, "site") == [.person("ben")], "anna mustered already")
    }

    @Test("a muster at another device of the site counts here; nothing is stored for it but the roll call")
    func remoteMuster() throws {
        var s = try scenario()
        evacuate(&s)
        let remote = s.feed(.remoteMustered(.person("ben"), device: "gate-02", reader: "car-park"), after: 1000)
        #expect(!remote.types.contains(.emergencyMustered))
        #expect(remote.effects.contains { if case .rollCall = $0 { true } else { false } })
        #expect(unaccounted(s, "site") == [.person("anna")])
        #expect(s.machine.state.rollCall?.entries[.person("ben")]?.mustered?.reader == "gate-02/car-park")
    }

    @Test("outside an evacuation a muster point denies not_evacuating; an unknown card is unknown_credential there")
    func musterPointAtOtherTimes() throws {
        var s = try scenario()
        let plain = s.tap(AccessScenario.anna, at: "assembly", after: 100)
        #expect(plain.decision?.reason == .notEvacuating && plain.types == [.accessDenied])
        evacuate(&s)
        #expect(s.tap("DEADBEEF", at: "assembly", after: 100).decision?.reason == .unknownCredential)
    }

    @Test("a drill: doors stay as they are, every emergency event says drill, and its end reports 50, 90 and 100 % in seconds")
    func drill() throws {
        var s = try scenario()
        let begin = evacuate(&s, drill: true)
        #expect(!begin.outputs.contains(.hold("exit-relay", active: true)), "a drill does not release the fail-safe fire exit")
        #expect(begin.events.allSatisfy { $0.data["drill"] == .bool(true) })
        s.tap(AccessScenario.anna, at: "assembly", after: 30_000)  // lab 100 %, site 50 %
        s.tap(Self.ben, at: "assembly", after: 45_000)  // site 100 % at 75 s
        let end = s.feed(.modeRequested(ModeRequest(.normal), origin: "cli:test"), after: 5000)
        let report = try #require(end.events.first { $0.type == .emergencyDrillReport })
        guard case .array(let zones)? = report.data["zones"], case .object(let lab) = zones[0], case .object(let site) = zones[1] else {
            Issue.record("no zones in the report")
            return
        }
        #expect(lab["zone"] == .string("lab") && lab["count_at_start"] == .integer(1) && lab["s_to_100"] == .integer(30))
        #expect(site["s_to_50"] == .integer(30) && site["s_to_90"] == .integer(75) && site["s_to_100"] == .integer(75))
        #expect(s.machine.state.rollCall == nil)
        // A real evacuation is not turned into a drill; it replaces one.
        evacuate(&s)
        let refused = s.feed(.modeRequested(ModeRequest(.evacuation, drill: true), origin: "cli:test"), after: 100)
        #expect(refused.reply == .refused("a real evacuation is in force: no drill now"))
    }

    @Test("the roll call survives a restart: stored as JSON, read back the same, and the next muster goes on from it")
    func restart() throws {
        var s = try scenario()
        evacuate(&s)
        s.tap(AccessScenario.anna, at: "assembly", after: 1000)
        let stored = try #require(s.machine.state.rollCall)
        guard case .object(let object) = try JSONReader.parse(stored.jsonValue.serialized) else { Issue.record("not an object"); return }
        let read = try #require(RollCall(json: object))
        #expect(read == stored)
        var state = s.machine.state
        state.rollCall = read
        var again = try AccessScenario(state: state)
        again.policy = s.policy
        again.now = s.now
        again.feed(.started(software: "test"), after: 60_000)
        let last = again.tap(Self.ben, at: "assembly", after: 1000)
        #expect(last.types == [.emergencyMustered, .emergencyMuster, .emergencyAllClear])
    }
}
