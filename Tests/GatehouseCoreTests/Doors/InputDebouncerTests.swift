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

    @Test("at a turnstile with a rotation sensor the entry waits for the turn; elsewhere the grant counts")
    func tickets() throws {
        let turnstile = DoorConfig(id: "t", kind: .turnstile, zone: "plant", relay: "r", rotation: "rot")
        let door = DoorConfig(id: "d", zone: "plant", relay: "r", contact: "c")
        var decision = AccessDecision(reason: .granted)
        decision.person = "anna"
        let time = Timestamp(millisecondsSinceEpoch: 1000)
        let effects: [RuntimeEffect] = [.entered(.person("anna"), zone: "plant", at: time)]
        for (where_, deferred) in [(turnstile, true), (door, false), (DoorConfig(id: "t2", kind: .turnstile, zone: "plant", relay: "r"), false)] {
            let request = AccessRequest(reader: "in", door: where_, direction: .in, presentation: .credential(format: .uid, value: "04"), time: time)
            let (ticket, immediate) = PassageTicket.forGrant(decision, request: request, effects: effects)
            #expect(ticket.person == "anna" && ticket.reader == "in")
            #expect(ticket.deferredEffects == (deferred ? effects : []) && immediate == (deferred ? [] : effects), "\(where_.id)")
        }
    }
}
