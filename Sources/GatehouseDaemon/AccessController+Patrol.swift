import GatehouseCore
import GatehouseStore
import Logging

/// Guard tours on the access thread: a guard's decision at a checkpoint reader is a visit, and
/// once a second the routes through the device's checkpoints are followed from the cache and
/// rounds past their deadline are reported missed. Visits, missed rounds and the rounds now open
/// are stored with their events, so a restart goes on where the daemon stopped.
extension AccessController {
    /// How long a reader's feedback output confirms a visit.
    static let visitFeedbackMilliseconds = 300

    /// The checkpoints of this device's readers.
    var localCheckpoints: Set<String> { Set(currentSettings.config.readers.compactMap(\.checkpoint)) }

    /// The routes through `checkpoints`, with their schedules, from the cache.
    func patrolPlans(in view: any PolicyView, checkpoints: Set<String>) throws -> [PatrolTracker.Plan] {
        var routes: [String: Route] = [:]
        for checkpoint in checkpoints.sorted() {
            for route in try view.routes(through: checkpoint) { routes[route.id] = route }
        }
        return try routes.keys.sorted().compactMap { routes[$0] }.map { route in
            PatrolTracker.Plan(route: route, schedule: try route.schedule.flatMap { try view.schedule($0) }, timeZones: timeZones)
        }
    }

    /// Follows the routes as the cache has them now, and settles the rounds that ended.
    func checkPatrol() {
        let checkpoints = localCheckpoints
        guard !checkpoints.isEmpty || !state.patrol.roundStarts.isEmpty else { return }
        let plans: [PatrolTracker.Plan]
        do {
            plans = try policyReader.read { view in try patrolPlans(in: view, checkpoints: checkpoints) }
        } catch {
            logger.error("cannot read the patrol routes", metadata: ["error": "\(error)"])
            return
        }
        let time = now()
        let outcome = state.patrol.follow(plans, local: checkpoints, at: time)
        let events = missedEvents(outcome, at: time)
        guard !events.isEmpty || !outcome.effects.isEmpty else { return }
        commit(events, effects: outcome.effects)
        for case .patrolStopped(let key) in outcome.effects {
            logger.notice("patrol route no longer followed here", metadata: ["patrol.route": "\(key.route)", "patrol.checkpoint": "\(key.checkpoint)"])
        }
    }

    /// A guard's visit at a checkpoint reader: the rounds it ends, its event and the missed
    /// rounds it settles first, and the reader's feedback.
    func patrolVisit(_ decision: AccessDecision, _ request: AccessRequest, plans: [PatrolTracker.Plan]) -> (events: [PendingEvent], effects: [RuntimeEffect]) {
        guard let checkpoint = request.checkpoint, let person = decision.person else { return ([], []) }
        let outcome = state.patrol.visit(checkpoint, by: person, plans, at: request.time)
        let visited = outcome.finished.filter { $0.outcome != .missed && $0.checkpoint == checkpoint && $0.visitedAt == request.time }
        if let feedback = currentSettings.config.reader(request.reader)?.feedback {
            outputs.pulse(feedback, milliseconds: Self.visitFeedbackMilliseconds)
        }
        logger.info(
            "patrol checkpoint visited",
            metadata: [
                "patrol.checkpoint": "\(checkpoint)", "patrol.guard": "\(person)", "gate.reader": "\(request.reader)",
                "patrol.outcomes": "\(visited.map { "\($0.route)=\($0.outcome.rawValue)" }.joined(separator: ","))",
            ])
        let event = currentSettings.events.patrolVisited(
            checkpoint: checkpoint, reader: request.reader, guard: person, routes: plans.map(\.route.id), rounds: visited,
            at: request.time, id: EventID.make(at: request.time))
        return (missedEvents(outcome, at: request.time) + [event], outcome.effects)
    }

    private func missedEvents(_ outcome: PatrolTracker.Outcome, at time: Timestamp) -> [PendingEvent] {
        outcome.finished.filter { $0.outcome == .missed }.map { round in
            logger.warning(
                "patrol round missed",
                metadata: ["patrol.checkpoint": "\(round.checkpoint)", "patrol.route": "\(round.route)", "patrol.due": "\(round.dueAt.rfc3339)"])
            return currentSettings.events.patrolMissed(round, at: time, id: EventID.make(at: time))
        }
    }
}
