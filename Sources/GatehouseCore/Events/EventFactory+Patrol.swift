/// The events of guard tours.
extension EventFactory {
    /// `patrol.visited`: a guard at a checkpoint, the routes it serves, and how each route's
    /// round ended (`on_time` or `late`; none for a route waiting for its schedule).
    public func patrolVisited(checkpoint: String, reader: String, guard person: String, routes: [String], rounds: [PatrolRound], at time: Timestamp, id: String) -> PendingEvent {
        PendingEvent(
            id: id, type: .patrolVisited, time: time, subject: checkpoint,
            data: JSONObject([
                ("checkpoint", .string(checkpoint)), ("reader", .string(reader)), ("guard", .string(person)),
                ("routes", .array(routes.map(JSONValue.string))), ("time", .string(time.rfc3339)),
                ("rounds", .array(rounds.map { round in
                    .object(JSONObject([
                        ("route", .string(round.route)), ("outcome", .string(round.outcome.rawValue)),
                        ("started_at", .string(round.startedAt.rfc3339)), ("due_at", .string(round.dueAt.rfc3339)),
                    ]))
                })),
            ]))
    }

    /// `patrol.missed`: a round at a checkpoint that passed its deadline without a visit.
    public func patrolMissed(_ round: PatrolRound, at time: Timestamp, id: String) -> PendingEvent {
        PendingEvent(
            id: id, type: .patrolMissed, time: time, subject: round.checkpoint,
            data: JSONObject([
                ("checkpoint", .string(round.checkpoint)), ("route", .string(round.route)),
                ("started_at", .string(round.startedAt.rfc3339)), ("due_at", .string(round.dueAt.rfc3339)),
                ("deadline", .string(round.deadline.rfc3339)),
            ]))
    }
}
