/// When each local checkpoint is due on each route, and which rounds were missed: a state
/// machine over the routes in the cache, driven by guards' visits and by the passing of time.
///
/// A round at a checkpoint starts when the previous one ends (at a visit, or at the missed
/// round's due time) and lasts `every_s`: a visit by then is on time, within `grace_s` after it
/// late, and with none by `every_s + grace_s` the round is missed, once. With a schedule, rounds
/// start only while it is open (in its own time zone): a round due while it is closed lapses
/// without a miss, and the next starts when the schedule is next seen open.
///
/// The tracker holds only when each open round started. Like the rest of ``RuntimeState`` it
/// is changed by effects: each call works out what happens and returns it, the caller stores
/// the effects with their events, then applies them (``apply(_:)``); after a restart the store
/// gives the tracker back.
public struct PatrolTracker: Sendable, Equatable {
    /// What a route needs to be followed: the route and whether its schedule is open at a time.
    public struct Plan: Sendable {
        public var route: Route
        /// Whether rounds may be due at this time; always true without a schedule.
        public var isOpen: @Sendable (Timestamp) -> Bool

        public init(route: Route, isOpen: @escaping @Sendable (Timestamp) -> Bool = { _ in true }) {
            self.route = route
            self.isOpen = isOpen
        }

        /// A route with its schedule (nil when the route has none), judged in the schedule's own
        /// time zone. A route whose schedule is not in the cache, or whose zone is unknown, is
        /// never due, as a zone with such a schedule is closed to the engine.
        public init(route: Route, schedule: Schedule?, timeZones: TimeZoneCatalog) {
            guard route.schedule != nil else {
                self.init(route: route)
                return
            }
            self.init(route: route) { time in
                guard let schedule, let local = timeZones.localTime(time, in: schedule.timeZone) else { return false }
                return schedule.isOpen(at: local)
            }
        }
    }

    /// When the open round of each followed checkpoint started; nil: waiting for the schedule.
    public private(set) var roundStarts: [PatrolKey: Timestamp?]

    public init(roundStarts: [PatrolKey: Timestamp?] = [:]) {
        self.roundStarts = roundStarts
    }

    /// What a call changed: the rounds that ended (to store and report) and the state to keep.
    public struct Outcome: Sendable, Equatable {
        public var finished: [PatrolRound] = []
        public var effects: [RuntimeEffect] = []
    }

    /// Follows the checkpoints of `local` on the routes of `plans` from `now`: a new pair starts
    /// its first round (or waits for its schedule); a pair no longer in the cache (its route or
    /// the checkpoint removed by a bundle) is dropped, without a miss. Rounds that ended
    /// meanwhile are settled first.
    public func follow(_ plans: [Plan], local: Set<String>, at now: Timestamp) -> Outcome {
        var outcome = advance(plans, to: now)
        var copy = self
        for effect in outcome.effects { copy.apply(effect) }
        copy.follow(plans, local: local, at: now, into: &outcome)
        return outcome
    }

    private mutating func follow(_ plans: [Plan], local: Set<String>, at now: Timestamp, into outcome: inout Outcome) {
        var wanted: Set<PatrolKey> = []
        for plan in plans {
            for checkpoint in Set(plan.route.checkpoints) where local.contains(checkpoint) {
                let key = PatrolKey(route: plan.route.id, checkpoint: checkpoint)
                wanted.insert(key)
                guard roundStarts[key] == nil else { continue }
                start(key, at: plan.isOpen(now) ? now : nil, into: &outcome)
            }
        }
        for key in roundStarts.keys.sorted() where !wanted.contains(key) {
            roundStarts[key] = nil
            outcome.effects.append(.patrolStopped(key))
        }
    }

    /// A guard's visit to `checkpoint` at `now`: ends the open round of every route through it
    /// (on time or late) and starts the next. Rounds that ended before the visit are settled
    /// first. `checkpoint` is one of the device's own.
    public func visit(_ checkpoint: String, by person: String, _ plans: [Plan], at now: Timestamp) -> Outcome {
        var outcome = advance(plans, to: now)
        var copy = self
        for effect in outcome.effects { copy.apply(effect) }
        for plan in plans {
            let key = PatrolKey(route: plan.route.id, checkpoint: checkpoint)
            // A route the tracker does not follow yet (a bundle applied a moment ago): the visit
            // starts its first round.
            if let started = copy.roundStarts[key] ?? nil {
                let due = started.adding(seconds: plan.route.everySeconds)
                let round = PatrolRound(
                    route: key.route, checkpoint: checkpoint, startedAt: started, dueAt: due,
                    deadline: due.adding(seconds: plan.route.graceSeconds), outcome: now <= due ? .onTime : .late,
                    visitedAt: now, visitedBy: person)
                outcome.finished.append(round)
                outcome.effects.append(.patrolRound(round))
            }
            copy.start(key, at: plan.isOpen(now) ? now : nil, into: &outcome)
        }
        return outcome
    }

    /// The rounds whose deadline has passed by `now`, each missed once (or lapsed, when its
    /// schedule was closed at its due time); rounds waiting for their schedule start when it is open.
    public func advance(_ plans: [Plan], to now: Timestamp) -> Outcome {
        var copy = self
        var outcome = Outcome()
        copy.advance(plans, to: now, into: &outcome)
        return outcome
    }

    private mutating func advance(_ plans: [Plan], to now: Timestamp, into outcome: inout Outcome) {
        for plan in plans {
            for key in roundStarts.keys.sorted() where key.route == plan.route.id {
                guard var started = roundStarts[key] ?? nil else {
                    if plan.isOpen(now) { start(key, at: now, into: &outcome) }
                    continue
                }
                var changed = false
                // At most 1,440 rounds per pair and call, so that a long outage does not hold the
                // access thread; the rest are settled by the next calls, a second apart.
                for _ in 0..<1440 {
                    let due = started.adding(seconds: plan.route.everySeconds)
                    let deadline = due.adding(seconds: plan.route.graceSeconds)
                    guard now >= deadline else { break }
                    if plan.isOpen(due) {
                        let round = PatrolRound(route: key.route, checkpoint: key.checkpoint, startedAt: started, dueAt: due, deadline: deadline, outcome: .missed)
                        outcome.finished.append(round)
                        outcome.effects.append(.patrolRound(round))
                    }
                    started = due
                    changed = true
                }
                guard changed else { continue }
                // The next round starts at the last one's due time, if the schedule is open then.
                start(key, at: plan.isOpen(started) ? started : (plan.isOpen(now) ? now : nil), into: &outcome)
            }
        }
    }

    private mutating func start(_ key: PatrolKey, at time: Timestamp?, into outcome: inout Outcome) {
        roundStarts[key] = .some(time)
        outcome.effects.append(.patrolRoundStarted(key, at: time))
    }

    /// Applies one of the tracker's effects; others are not its business.
    public mutating func apply(_ effect: RuntimeEffect) {
        switch effect {
        case .patrolRoundStarted(let key, let time): roundStarts[key] = .some(time)
        case .patrolStopped(let key): roundStarts[key] = nil
        default: break
        }
    }
}
