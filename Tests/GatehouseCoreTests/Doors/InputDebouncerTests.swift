import GatehouseCore
import Testing

@Suite("Input debouncing and passage tickets")
struct InputDebouncerTests {
    @Test("a level counts once it has lasted the debounce time; bounces are forgotten")
    func debounce() {
        var input = InputDebouncer(debounceMilliseconds: 50)
        #expect(input.sample(true, at: 0) == nil && input.dueAt == 50)
        #expect(input.sample(false, at: 20) == nil && input.dueAt == nil, "back before 50 ms: a bounce")
        #expect(input.sample(true, at: 30) == nil)
        #expect(input.poll(at: 79) == nil)
        #expect(input.poll(at: 80) == true && input.level)
        #expect(input.sample(true, at: 90) == nil, "the same level again is nothing")
        var immediate = InputDebouncer(debounceMilliseconds: 0)
        #expect(immediate.sample(true, at: 5) == true)
    }

    @Test("where a door senses passages, entries, exits, check-ins and check-outs wait for the passage; elsewhere the grant counts")
    func tickets() throws {
        let turnstile = DoorConfig(id: "t", kind: .turnstile, zone: "plant", relay: "r", rotation: "rot")
        let door = DoorConfig(id: "d", zone: "plant", relay: "r", contact: "c")
        var decision = AccessDecision(reason: .granted)
        decision.invite = "inv-1"
        decision.kind = "visitor"
        let time = Timestamp(millisecondsSinceEpoch: 1000)
        let effects: [RuntimeEffect] = [
            .checkedIn(invite: "inv-1", at: time), .entered(.invite("inv-1"), zone: "plant", at: time), .escortEntered(door: "d", at: time),
        ]
        let waiting = Array(effects.prefix(2))
        let cases = [
            (turnstile, true), (door, true), (DoorConfig(id: "t2", kind: .turnstile, zone: "plant", relay: "r"), false),
            (DoorConfig(id: "d2", zone: "plant", relay: "r"), false),
        ]
        for (where_, sensed) in cases {
            #expect(where_.sensesPassages == sensed, "\(where_.id)")
            let request = AccessRequest(reader: "in", door: where_, direction: .in, presentation: .credential(format: .uid, value: "04"), time: time)
            let (ticket, immediate) = PassageTicket.forGrant(decision, request: request, effects: effects, countsPassages: where_.sensesPassages)
            #expect(ticket.invite == "inv-1" && ticket.kind == "visitor" && ticket.reader == "in")
            #expect(ticket.deferredEffects == (sensed ? waiting : []) && immediate == (sensed ? [effects[2]] : effects), "\(where_.id)")
        }
    }

    @Test("at the passage the waiting changes take its time, and what the state already shows is dropped")
    func passageEffects() {
        let grant = Timestamp(millisecondsSinceEpoch: 1000), passage = Timestamp(millisecondsSinceEpoch: 2500)
        let ticket = PassageTicket(
            reader: "in", direction: .in, invite: "inv-1",
            deferredEffects: [.checkedIn(invite: "inv-1", at: grant), .entered(.invite("inv-1"), zone: "plant", at: grant)])
        var state = RuntimeState()
        #expect(ticket.effectsAtPassage(passage, state: state) == [.checkedIn(invite: "inv-1", at: passage), .entered(.invite("inv-1"), zone: "plant", at: passage)])
        for effect in ticket.effectsAtPassage(passage, state: state) { state.apply(effect) }
        #expect(ticket.effectsAtPassage(passage, state: state).isEmpty, "a second grant's passage counts the visitor once")
        let exit = PassageTicket(reader: "out", direction: .out, invite: "inv-1", deferredEffects: [.left(.invite("inv-1"), zone: "plant"), .checkedOut(invite: "inv-1", at: grant)])
        #expect(exit.effectsAtPassage(passage, state: state) == [.left(.invite("inv-1"), zone: "plant"), .checkedOut(invite: "inv-1", at: passage)])
        #expect(exit.effectsAtPassage(passage, state: RuntimeState()).isEmpty, "not inside: nothing to take out")
    }
}
