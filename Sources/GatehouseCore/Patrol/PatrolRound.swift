/// One round at one checkpoint of one route: the span in which a guard must visit it, and how
/// it ended.
public struct PatrolRound: Sendable, Equatable {
    public enum Outcome: String, Sendable, CaseIterable {
        /// Visited by its due time.
        case onTime = "on_time"
        /// Visited after its due time, within the route's grace.
        case late
        /// Not visited by its deadline.
        case missed
    }

    public var route: String
    public var checkpoint: String
    public var startedAt: Timestamp
    /// `startedAt + every_s`.
    public var dueAt: Timestamp
    /// `dueAt + grace_s`: a round not visited by then is missed.
    public var deadline: Timestamp
    public var outcome: Outcome
    public var visitedAt: Timestamp?
    /// The guard who visited.
    public var visitedBy: String?

    public init(
        route: String, checkpoint: String, startedAt: Timestamp, dueAt: Timestamp, deadline: Timestamp, outcome: Outcome,
        visitedAt: Timestamp? = nil, visitedBy: String? = nil
    ) {
        self.route = route
        self.checkpoint = checkpoint
        self.startedAt = startedAt
        self.dueAt = dueAt
        self.deadline = deadline
        self.outcome = outcome
        self.visitedAt = visitedAt
        self.visitedBy = visitedBy
    }
}

/// A checkpoint on a route: what the tracker follows.
public struct PatrolKey: Sendable, Hashable, Comparable {
    public var route: String
    public var checkpoint: String

    public init(route: String, checkpoint: String) {
        self.route = route
        self.checkpoint = checkpoint
    }

    public static func < (lhs: PatrolKey, rhs: PatrolKey) -> Bool {
        (lhs.checkpoint, lhs.route) < (rhs.checkpoint, rhs.route)
    }
}
