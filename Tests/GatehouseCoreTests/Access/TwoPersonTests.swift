import GatehouseCore
import GatehouseTesting
import Testing

/// The two-person rule at the lab's door, as sequences over the clock: a pair in time, one
/// person twice or with two credentials, a first left alone, lockdown first.
@Suite("The two-person rule")
struct TwoPersonTests {
    static let ben = "0B0B0B0B", annaSpare = "0A0A0A0B"

    func scenario() throws -> AccessScenario {
        var s = try AccessScenario()
        s.policy.zones["lab"]?.requires.twoPersonWithinSeconds = 30
        s.policy.add(Person(id: "ben", kind: .employee), uid: Self.ben, zones: ["lab"])
        s.policy.credentials.append(Credential(id: "c-anna-2", person: "anna", format: .uid, value: Self.annaSpare))
        return s
    }

    @Test("the first is held with nothing open; a second person in time opens the door once for both, each naming the other")
    func pair() throws {
        var s = try scenario()
        let first = s.tap(AccessScenario.anna, at: "lab-in")
        guard case .companionWanted(_, let held) = first.reply else { Issue.record("not held: \(first.reply)"); return }
        #expect(held.person == "anna" && held.waitsForCompanion && first.events.isEmpty && first.outputs.isEmpty)
        let second = s.tap(Self.ben, at: "lab-in", after: 10_000)
        #expect(second.types == [.accessGranted, .accessGranted])
        #expect(second.events[0].data["person"] == .string("anna") && second.events[0].data["companion"] == .string("ben"))
        #expect(second.events[1].data["person"] == .string("ben") && second.events[1].data["companion"] == .string("anna"))
        #expect(second.outputs.filter { if case .pulse("lab-relay", _) = $0 { true } else { false } }.count == 1, "one opening")
        #expect(s.input("lab-contact", true, after: 1000).types == [.accessPassage])
        #expect(s.isInside("anna", "lab") && s.isInside("ben", "lab"), "both counted at the passage")
    }

    @Test("the same person twice, or with a second credential, is still one: the door stays shut")
    func samePerson() throws {
        var s = try scenario()
        s.tap(AccessScenario.anna, at: "lab-in")
        for uid in [AccessScenario.anna, Self.annaSpare] {
            let again = s.tap(uid, at: "lab-in", after: 2000)
            guard case .companionWanted = again.reply else { Issue.record("\(uid) made two: \(again.types)"); return }
            #expect(again.events.isEmpty && again.outputs.isEmpty)
        }
        #expect(s.tap(Self.ben, at: "lab-in", after: 2000).types == [.accessGranted, .accessGranted])
    }

    @Test("a first person left alone is denied two_person_timeout once within_s has passed; the next one starts afresh")
    func timeout() throws {
        var s = try scenario()
        s.tap(AccessScenario.anna, at: "lab-in")
        #expect(s.feed(.tick, after: 30_000).events.isEmpty)
        let alone = s.feed(.tick, after: 250)
        #expect(alone.types == [.accessDenied] && alone.events[0].data["reason"] == .string("two_person_timeout"))
        guard case .companionWanted = s.tap(Self.ben, at: "lab-in", after: 1000).reply else { Issue.record("ben not held"); return }
        #expect(!s.isInside("anna", "lab") && !s.isInside("ben", "lab"))
    }

    @Test("lockdown comes first: no one is held, the non-responder is denied lockdown")
    func lockdownFirst() throws {
        var s = try scenario()
        s.feed(.modeRequested(ModeRequest(.lockdown), origin: "cli:test"))
        #expect(s.tap(AccessScenario.anna, at: "lab-in", after: 100).decision?.reason == .lockdown)
    }
}
