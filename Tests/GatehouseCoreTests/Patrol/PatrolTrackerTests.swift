import Foundation
import GatehouseCore
import Testing

/// The patrol tracker over sequences of visits and time, with the clock in the test's hands.
/// Route `r` wants checkpoint `north` every 10 minutes with 2 minutes' grace.
@Suite("Patrol rounds")
struct PatrolTrackerTests {
    static let t0 = Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)
    static func at(_ minutes: Double) -> Timestamp { t0.adding(seconds: Int64(minutes * 60)) }
    static let route = Route(id: "r", checkpoints: ["north", "south"], everySeconds: 600, graceSeconds: 120)
    static let plans = [PatrolTracker.Plan(route: route)]

    enum Step {
        case visit(Double, by: String = "gus")
        case time(Double)
    }

    /// Runs the steps from a tracker following `north` since minute 0; returns every finished
    /// round as (outcome, started, visited) in minutes.
    func run(_ steps: [Step], plans: [PatrolTracker.Plan] = plans) -> [String] {
        var state = RuntimeState()
        for effect in state.patrol.follow(plans, local: ["north"], at: Self.at(0)).effects { state.apply(effect) }
        var finished: [String] = []
        for step in steps {
            let outcome: PatrolTracker.Outcome
            switch step {
            case .visit(let minute, let person): outcome = state.patrol.visit("north", by: person, plans, at: Self.at(minute))
            case .time(let minute): outcome = state.patrol.advance(plans, to: Self.at(minute))
            }
            for effect in outcome.effects { state.apply(effect) }
            finished += outcome.finished.map { round in
                let minutes = { (time: Timestamp) in (time.millisecondsSinceEpoch - Self.t0.millisecondsSinceEpoch) / 60_000 }
                return "\(round.route) \(round.outcome.rawValue) from \(minutes(round.startedAt))" + (round.visitedAt.map { " at \(minutes($0))" } ?? "")
            }
        }
        return finished
    }

    @Test("rounds", arguments: [
        ("visited in time, twice", [Step.visit(8), .visit(17), .time(60)], ["r on_time from 0 at 8", "r on_time from 8 at 17", "r missed from 17", "r missed from 27", "r missed from 37", "r missed from 47"]),
        ("late, within the grace", [.visit(11)], ["r late from 0 at 11"]),
        ("missed once its grace is over, and not again before the next round's", [.time(11.9), .time(12), .time(21.9)], ["r missed from 0"]),
        ("a visit after a miss belongs to the next round, which started at the missed round's due time",
         [.time(13), .visit(19)], ["r missed from 0", "r on_time from 10 at 19"]),
        ("a device off for an hour reports each round it missed, once", [.time(62), .time(62)],
         ["r missed from 0", "r missed from 10", "r missed from 20", "r missed from 30", "r missed from 40", "r missed from 50"]),
    ] as [(String, [Step], [String])])
    func rounds(_ what: String, _ steps: [Step], _ expected: [String]) {
        #expect(run(steps) == expected, "\(what)")
    }

    @Test("two routes through one checkpoint: one visit ends a round on each")
    func sharedCheckpoint() {
        let fast = Route(id: "fast", checkpoints: ["north"], everySeconds: 300, graceSeconds: 60)
        let plans = Self.plans + [PatrolTracker.Plan(route: fast)]
        #expect(run([.visit(4), .time(10.5)], plans: plans) == ["r on_time from 0 at 4", "fast on_time from 0 at 4", "fast missed from 4"])
    }

    @Test("a visit on a route not followed yet (a bundle a moment old) starts its first round")
    func visitBeforeFollowing() {
        var state = RuntimeState()
        let outcome = state.patrol.visit("north", by: "gus", Self.plans, at: Self.at(0))
        #expect(outcome.finished.isEmpty && outcome.effects == [.patrolRoundStarted(PatrolKey(route: "r", checkpoint: "north"), at: Self.at(0))])
        for effect in outcome.effects { state.apply(effect) }
        #expect(state.patrol.visit("north", by: "gus", Self.plans, at: Self.at(9)).finished.map(\.outcome) == [.onTime])
    }

    @Test("a checkpoint the new bundle no longer routes is dropped without a miss; only local checkpoints are followed")
    func removedCheckpoint() {
        var state = RuntimeState()
        for effect in state.patrol.follow(Self.plans, local: ["north"], at: Self.at(0)).effects { state.apply(effect) }
        #expect(state.patrol.roundStarts.keys.map(\.checkpoint) == ["north"], "south is not a checkpoint of this device")
        let moved = [PatrolTracker.Plan(route: Route(id: "r", checkpoints: ["south"], everySeconds: 600, graceSeconds: 120))]
        let outcome = state.patrol.follow(moved, local: ["north"], at: Self.at(5))
        #expect(outcome.finished.isEmpty && outcome.effects == [.patrolStopped(PatrolKey(route: "r", checkpoint: "north"))])
        for effect in outcome.effects { state.apply(effect) }
        #expect(state.patrol.advance(moved, to: Self.at(60)).finished.isEmpty)
    }

    @Test("a schedule across midnight in Berlin: rounds only while it is open, the first when it opens, none due after it closes")
    func nightSchedule() throws {
        // 2026-11-30 is a Monday; the night shift runs 22:00 to 06:00 Berlin time (UTC+1 in winter).
        let night = Schedule(id: "night", timeZone: "Europe/Berlin", windows: [.init(days: Schedule.Weekday.allCases, fromMinute: 22 * 60, toMinute: 6 * 60)])
        let route = Route(id: "night-tour", checkpoints: ["north"], everySeconds: 3600, graceSeconds: 600, schedule: "night")
        let plans = [PatrolTracker.Plan(route: route, schedule: night, timeZones: TimeZoneCatalog())]
        let evening = try #require(Timestamp(rfc3339: "2026-11-30T20:00:00Z"))  // 21:00 in Berlin: closed
        var state = RuntimeState()
        for effect in state.patrol.follow(plans, local: ["north"], at: evening).effects { state.apply(effect) }
        #expect(state.patrol.roundStarts.values.first == .some(nil), "waiting for 22:00")
        var missed: [String] = []
        // Minute by minute through the night: rounds start at 22:00 Berlin (21:00 UTC).
        for minute in stride(from: 0, through: 14 * 60, by: 1) {
            let outcome = state.patrol.advance(plans, to: evening.adding(seconds: Int64(minute) * 60))
            for effect in outcome.effects { state.apply(effect) }
            missed += outcome.finished.map(\.startedAt.rfc3339)
        }
        // 8 hours of rounds: due 23:00 to 06:00 Berlin; the one due at 06:00 sharp falls outside.
        #expect(missed.first == "2026-11-30T21:00:00.000Z" && missed.last == "2026-12-01T03:00:00.000Z" && missed.count == 7)
    }

    @Test("across the autumn daylight-saving change the night shift keeps its wall-clock hours")
    func daylightSaving() throws {
        // 2026-10-25: at 03:00 CEST Berlin goes back to 02:00 CET; the night is an hour longer.
        let night = Schedule(id: "night", timeZone: "Europe/Berlin", windows: [.init(days: Schedule.Weekday.allCases, fromMinute: 22 * 60, toMinute: 6 * 60)])
        let route = Route(id: "night-tour", checkpoints: ["north"], everySeconds: 3600, graceSeconds: 0, schedule: "night")
        let plans = [PatrolTracker.Plan(route: route, schedule: night, timeZones: TimeZoneCatalog())]
        let start = try #require(Timestamp(rfc3339: "2026-10-24T19:30:00Z"))  // 21:30 CEST
        var state = RuntimeState()
        for effect in state.patrol.follow(plans, local: ["north"], at: start).effects { state.apply(effect) }
        var missed = 0
        for minute in stride(from: 0, through: 12 * 60, by: 1) {
            let outcome = state.patrol.advance(plans, to: start.adding(seconds: Int64(minute) * 60))
            for effect in outcome.effects { state.apply(effect) }
            missed += outcome.finished.count
        }
        // 22:00 CEST to 06:00 CET is nine hours: nine rounds, the last due at 06:00 CET lapses.
        #expect(missed == 8)
    }

    @Test("the tracker the store gives back after a restart goes on where it was")
    func restart() {
        var state = RuntimeState()
        var effects: [RuntimeEffect] = []
        for effect in state.patrol.follow(Self.plans, local: ["north"], at: Self.at(0)).effects { state.apply(effect); effects.append(effect) }
        for effect in state.patrol.visit("north", by: "gus", Self.plans, at: Self.at(7)).effects { state.apply(effect); effects.append(effect) }
        // A new process: only the stored effects.
        var restored = RuntimeState()
        for effect in effects { restored.apply(effect) }
        #expect(restored.patrol == state.patrol)
        #expect(restored.patrol.advance(Self.plans, to: Self.at(19.5)).finished.map(\.outcome) == [.missed])
    }

    @Test("a visit is a guard identified with a valid credential, whatever a door beside the checkpoint decides")
    func visits() {
        func decision(_ reason: AccessReason, person: String? = "gus", roles: [String] = ["guard"]) -> AccessDecision {
            var decision = AccessDecision(reason: reason)
            decision.person = person
            decision.roles = roles
            return decision
        }
        #expect(decision(.granted).isPatrolVisit)
        #expect(decision(.noGrant).isPatrolVisit && decision(.lockdown).isPatrolVisit, "the door refused, the guard was there")
        #expect(!decision(.granted, roles: ["employee"]).isPatrolVisit && !decision(.notAGuard, roles: []).isPatrolVisit)
        #expect(!decision(.credentialInactive).isPatrolVisit && !decision(.personExpired).isPatrolVisit)
        #expect(!decision(.unknownCredential, person: nil).isPatrolVisit)
    }
}
