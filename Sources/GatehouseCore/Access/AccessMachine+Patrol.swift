/// Guard tours: a guard's decision at a checkpoint reader is a visit, and once a second the
/// routes through the device's checkpoints are followed from the cache and rounds past their
/// deadline are reported missed. Visits, missed rounds and the rounds now open are stored with
/// their events, so a restart goes on where the daemon stopped.
extension AccessMachine {
    /// The routes through `checkpoints`, with their schedules, from the cache.
    func patrolPlans(in view: some PolicyView, checkpoints: Set<String>) throws -> [PatrolTracker.Plan] {
        var routes: [String: Route] = [:]
        for checkpoint in checkpoints.sorted() {
            for route in try view.routes(through: checkpoint) { routes[route.id] = route }
        }
        return try routes.keys.sorted().compactMap { routes[$0] }.map { route in
            PatrolTracker.Plan(route: route, schedule: try route.schedule.flatMap { try view.schedule($0) }, timeZones: settings.timeZones)
        }
    }

    /// Follows the routes as the cache has them now, and settles the rounds that ended.
    mutating func followPatrol(at moment: Moment, policy: some PolicyView, into step: inout AccessStep) {
        let checkpoints = settings.localCheckpoints
        guard !checkpoints.isEmpty || !state.patrol.roundStarts.isEmpty else { return }
        let plans: [PatrolTracker.Plan]
        do {
            plans = try patrolPlans(in: policy, checkpoints: checkpoints)
        } catch {
            step.note(.error, "cannot read the patrol routes", ["error": "\(error)"])
            return
        }
        // Against the rounds as this step leaves them: a guard's visit in the same step has
        // already ended its round.
        var patrol = state.patrol
        for effect in step.effects {
            switch effect {
            case .patrolRoundStarted, .patrolStopped: patrol.apply(effect)
            default: continue
            }
        }
        let outcome = patrol.follow(plans, local: checkpoints, at: moment.wall)
        step.events += missedEvents(outcome, at: moment.wall, into: &step)
        step.effects += outcome.effects
        for case .patrolStopped(let key) in outcome.effects {
            step.note(.notice, "patrol route no longer followed here", ["patrol.route": key.route, "patrol.checkpoint": key.checkpoint])
        }
    }

    /// A guard's visit at a checkpoint reader: the missed rounds it settles first, its event,
    /// the rounds it ends, and the reader's feedback.
    func visit(_ decision: AccessDecision, _ request: AccessRequest, plans: [PatrolTracker.Plan], into step: inout AccessStep) {
        guard let checkpoint = request.checkpoint, let person = decision.person else { return }
        let outcome = state.patrol.visit(checkpoint, by: person, plans, at: request.time)
        let visited = outcome.finished.filter { $0.outcome != .missed && $0.checkpoint == checkpoint && $0.visitedAt == request.time }
        if let feedback = settings.config.reader(request.reader)?.feedback {
            step.outputs.append(.pulse(feedback, milliseconds: Self.visitFeedbackMilliseconds))
        }
        step.note(
            .info, "patrol checkpoint visited",
            [
                "patrol.checkpoint": checkpoint, "patrol.guard": person, "gate.reader": request.reader,
                "patrol.outcomes": visited.map { "\($0.route)=\($0.outcome.rawValue)" }.joined(separator: ","),
            ])
        step.events += missedEvents(outcome, at: request.time, into: &step)
        step.events.append(
            settings.events.patrolVisited(
                checkpoint: checkpoint, reader: request.reader, guard: person, routes: plans.map(\.route.id), rounds: visited,
                at: request.time, id: EventID.make(at: request.time)))
        step.effects += outcome.effects
    }

    private func missedEvents(_ outcome: PatrolTracker.Outcome, at time: Timestamp, into step: inout AccessStep) -> [PendingEvent] {
        outcome.finished.filter { $0.outcome == .missed }.map { round in
            step.note(.warning, "patrol round missed", ["patrol.checkpoint": round.checkpoint, "patrol.route": round.route, "patrol.due": round.dueAt.rfc3339])
            return settings.events.patrolMissed(round, at: time, id: EventID.make(at: time))
        }
    }
}
