import GatehouseCore
import Testing

/// The door state machine over the sequences that matter, each a table of (time in ms, event)
/// and the actions it must give, in order. The door pulses 3 s and may stand open 30 s, so its
/// pre-alarm comes at 27 s.
@Suite("Door and turnstile state machine")
struct DoorMachineTests {
    typealias Machine = DoorMachine<Int>
    typealias Step = (Int64, Machine.Event)

    static let door = DoorConfig(id: "gate", zone: "site", relay: "relay", pulseMilliseconds: 3000, heldOpenSeconds: 30, contact: "contact", exitButton: "rex")
    static let turnstile = DoorConfig(id: "t1", kind: .turnstile, zone: "site", relay: "relay", pulseMilliseconds: 5000, rotation: "rotation")

    func run(_ steps: [Step], _ config: DoorConfig = door) -> [Machine.Action] {
        var machine = Machine(door: config)
        return steps.flatMap { machine.on($0.1, at: $0.0) }
    }

    static let pulse = Machine.Action.pulseRelay(milliseconds: 3000)

    @Test("door sequences", arguments: [
        ("a grant while the door stands open (left by the button): its passage at once",
         [(0, .exitRequested), (100, .contactOpened), (500, .granted(1)), (4000, .tick)], [pulse, pulse, .passage(1)]),
        ("a grant, then the door opens and closes: one passage",
         [(0, .granted(1)), (1200, .contactOpened), (4000, .contactClosed), (9000, .tick)], [pulse, .passage(1)]),
        ("a grant nobody uses: no_passage once its pulse is over",
         [(0, .granted(1)), (2999, .tick), (3000, .tick), (5000, .tick)], [pulse, .noPassage(1)]),
        ("the door opened without a grant: door_forced",
         [(0, .contactOpened), (2000, .contactClosed)], [.doorForced]),
        ("opened just after the grant's window: forced, and the grant was not used",
         [(0, .granted(1)), (3500, .contactOpened)], [pulse, .noPassage(1), .doorForced]),
        ("an exit request opens the door without an alarm and without a passage",
         [(0, .exitRequested), (800, .contactOpened), (3000, .contactClosed), (4000, .tick)], [pulse]),
        ("an exit request nobody uses is no no_passage",
         [(0, .exitRequested), (5000, .tick)], [pulse]),
        ("held open: the pre-alarm at 27 s, door_held at 30 s, the buzzer silenced on closing",
         [(0, .granted(1)), (1000, .contactOpened), (27_999, .tick), (28_000, .tick), (31_000, .tick), (40_000, .tick), (45_000, .contactClosed)],
         [pulse, .passage(1), .preAlarm, .doorHeld, .closedAfterAlarm]),
        ("closed in time after the pre-alarm: no door_held",
         [(0, .granted(1)), (1000, .contactOpened), (28_500, .tick), (29_000, .contactClosed), (60_000, .tick)], [pulse, .passage(1), .preAlarm, .closedAfterAlarm]),
        ("a second grant before the first was used: the first is no_passage, the second a passage",
         [(0, .granted(1)), (2000, .granted(2)), (4000, .contactOpened)], [pulse, .noPassage(1), pulse, .passage(2)]),
        ("an exit request while a grant waits keeps the grant: the opening is its passage",
         [(0, .granted(1)), (500, .exitRequested), (1000, .contactOpened)], [pulse, pulse, .passage(1)]),
        ("evacuation: the relay is held, the waiting grant is no_passage, openings and long openings raise nothing",
         [(0, .granted(1)), (100, .release), (200, .contactOpened), (60_000, .tick), (61_000, .contactClosed), (62_000, .granted(2)), (70_000, .tick)],
         [pulse, .noPassage(1), .holdRelay(active: true)]),
        ("evacuation over with the door still open: the held-open time starts when it is secured",
         [(0, .release), (100, .contactOpened), (50_000, .secure), (76_999, .tick), (77_000, .tick), (80_000, .tick)],
         [.holdRelay(active: true), .holdRelay(active: false), .preAlarm, .doorHeld]),
        ("released while already held open: the buzzer is silenced",
         [(0, .contactOpened), (30_000, .tick), (31_000, .release), (40_000, .secure), (41_000, .contactClosed)],
         [.doorForced, .preAlarm, .doorHeld, .holdRelay(active: true), .closedAfterAlarm, .holdRelay(active: false)]),
        ("secured again, a door opened without a grant is forced once more",
         [(0, .release), (10, .secure), (20, .contactOpened)], [.holdRelay(active: true), .holdRelay(active: false), .doorForced]),
        ("a forced door held open raises both alarms",
         [(0, .contactOpened), (27_000, .tick), (30_000, .tick)], [.doorForced, .preAlarm, .doorHeld]),
        ("bounces of a contact already open or closed change nothing",
         [(0, .contactClosed), (10, .granted(1)), (100, .contactOpened), (110, .contactOpened), (2000, .contactClosed), (2010, .contactClosed)], [pulse, .passage(1)]),
    ] as [(String, [Step], [Machine.Action])])
    func doors(_ what: String, _ steps: [Step], _ expected: [Machine.Action]) {
        #expect(run(steps) == expected, "\(what)")
    }

    static let turnPulse = Machine.Action.pulseRelay(milliseconds: 5000)

    @Test("turnstile sequences", arguments: [
        ("each rotation uses one grant, in order", [(0, .granted(1)), (1000, .rotated), (2000, .granted(2)), (2500, .rotated)], [turnPulse, .passage(1), turnPulse, .passage(2)]),
        ("two grants, one rotation: the other is no_passage when its time is over",
         [(0, .granted(1)), (100, .granted(2)), (1000, .rotated), (5100, .tick)], [turnPulse, turnPulse, .passage(1), .noPassage(2)]),
        ("a rotation without a grant is forced", [(0, .rotated)], [.doorForced]),
        ("a rotation after the grant's time: no_passage, then forced", [(0, .granted(1)), (6000, .rotated)], [turnPulse, .noPassage(1), .doorForced]),
        ("freed for an evacuation: waiting grants end, rotations are free", [(0, .granted(1)), (10, .release), (20, .rotated), (30, .rotated), (40, .secure), (50, .rotated)],
         [turnPulse, .noPassage(1), .holdRelay(active: true), .holdRelay(active: false), .doorForced]),
    ] as [(String, [Step], [Machine.Action])])
    func turnstiles(_ what: String, _ steps: [Step], _ expected: [Machine.Action]) {
        #expect(run(steps, Self.turnstile) == expected, "\(what)")
    }

    @Test("a door or turnstile without a sensor pulses for each grant and reports no passage either way: the grant counted as one")
    func withoutSensors() {
        let plain = DoorConfig(id: "d", zone: "z", relay: "r", pulseMilliseconds: 3000)
        #expect(run([(0, .granted(1)), (1000, .granted(2)), (5000, .tick)], plain) == [Self.pulse, Self.pulse])
        let free = DoorConfig(id: "t", kind: .turnstile, zone: "z", relay: "r", pulseMilliseconds: 5000)
        #expect(run([(0, .granted(1)), (6000, .tick)], free) == [Self.turnPulse])
    }

    @Test("the pre-alarm lead is a tenth of the held-open time, from one to ten seconds")
    func preAlarmLead() {
        func lead(_ seconds: Int) -> Int64 {
            Machine(door: DoorConfig(id: "d", zone: "z", relay: "r", heldOpenSeconds: seconds)).preAlarmLeadMilliseconds
        }
        #expect(lead(5) == 1000 && lead(30) == 3000 && lead(600) == 10_000)
    }
}
