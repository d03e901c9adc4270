import GatehouseCore
import Testing

/// The door state machine over the sequences that matter, each a table of (time in ms, event)
/// and the actions it must give, in order. The door pulses 3 s and may stand open 30 s, so its
/// pre-alarm comes at 27 s.
@Suite("Door and turnstile state machine")
struct DoorMachineTests {
    typealias Step = (Int64, DoorMachine.Event)

    static let door = DoorConfig(id: "gate", zone: "site", relay: "relay", pulseMilliseconds: 3000, heldOpenSeconds: 30, contact: "contact", exitButton: "rex")
    static let turnstile = DoorConfig(id: "t1", kind: .turnstile, zone: "site", relay: "relay", pulseMilliseconds: 5000, rotation: "rotation")

    func run(_ steps: [Step], _ config: DoorConfig = door) -> [DoorMachine.Action] {
        var machine = DoorMachine(door: config)
        return steps.flatMap { machine.on($0.1, at: $0.0) }
    }

    static let pulse = DoorMachine.Action.pulseRelay(milliseconds: 3000)

    @Test("door sequences", arguments: [
        ("a grant, then the door opens and closes: one passage",
         [(0, .granted), (1200, .contactOpened), (4000, .contactClosed), (9000, .tick)], [pulse, .passage]),
        ("a grant nobody uses: no_passage once its pulse is over",
         [(0, .granted), (2999, .tick), (3000, .tick), (5000, .tick)], [pulse, .noPassage]),
        ("the door opened without a grant: door_forced",
         [(0, .contactOpened), (2000, .contactClosed)], [.doorForced]),
        ("opened just after the grant's window: forced, and the grant was not used",
         [(0, .granted), (3500, .contactOpened)], [pulse, .noPassage, .doorForced]),
        ("an exit request opens the door without an alarm and without a passage",
         [(0, .exitRequested), (800, .contactOpened), (3000, .contactClosed), (4000, .tick)], [pulse]),
        ("an exit request nobody uses is no no_passage",
         [(0, .exitRequested), (5000, .tick)], [pulse]),
        ("held open: the pre-alarm at 27 s, door_held at 30 s, the buzzer silenced on closing",
         [(0, .granted), (1000, .contactOpened), (27_999, .tick), (28_000, .tick), (31_000, .tick), (40_000, .tick), (45_000, .contactClosed)],
         [pulse, .passage, .preAlarm, .doorHeld, .closedAfterAlarm]),
        ("closed in time after the pre-alarm: no door_held",
         [(0, .granted), (1000, .contactOpened), (28_500, .tick), (29_000, .contactClosed), (60_000, .tick)], [pulse, .passage, .preAlarm, .closedAfterAlarm]),
        ("a second grant before the first was used: the first is no_passage, the second a passage",
         [(0, .granted), (2000, .granted), (4000, .contactOpened)], [pulse, .noPassage, pulse, .passage]),
        ("a forced door held open raises both alarms",
         [(0, .contactOpened), (27_000, .tick), (30_000, .tick)], [.doorForced, .preAlarm, .doorHeld]),
        ("bounces of a contact already open or closed change nothing",
         [(0, .contactClosed), (10, .granted), (100, .contactOpened), (110, .contactOpened), (2000, .contactClosed), (2010, .contactClosed)], [pulse, .passage]),
    ] as [(String, [Step], [DoorMachine.Action])])
    func doors(_ what: String, _ steps: [Step], _ expected: [DoorMachine.Action]) {
        #expect(run(steps) == expected, "\(what)")
    }

    static let turnPulse = DoorMachine.Action.pulseRelay(milliseconds: 5000)

    @Test("turnstile sequences", arguments: [
        ("each rotation uses one grant", [(0, .granted), (1000, .rotated), (2000, .granted), (2500, .rotated)], [turnPulse, .passage, turnPulse, .passage]),
        ("two grants, one rotation: the other is no_passage when its time is over",
         [(0, .granted), (100, .granted), (1000, .rotated), (5100, .tick)], [turnPulse, turnPulse, .passage, .noPassage]),
        ("a rotation without a grant is forced", [(0, .rotated)], [.doorForced]),
        ("a rotation after the grant's time: no_passage, then forced", [(0, .granted), (6000, .rotated)], [turnPulse, .noPassage, .doorForced]),
    ] as [(String, [Step], [DoorMachine.Action])])
    func turnstiles(_ what: String, _ steps: [Step], _ expected: [DoorMachine.Action]) {
        #expect(run(steps, Self.turnstile) == expected, "\(what)")
    }

    @Test("the pre-alarm lead is a tenth of the held-open time, from one to ten seconds")
    func preAlarmLead() {
        func lead(_ seconds: Int) -> Int64 {
            DoorMachine(door: DoorConfig(id: "d", zone: "z", relay: "r", heldOpenSeconds: seconds)).preAlarmLeadMilliseconds
        }
        #expect(lead(5) == 1000 && lead(30) == 3000 && lead(600) == 10_000)
    }
}
