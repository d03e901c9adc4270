/// Debouncing for one input line: a new level counts once it has stayed for the debounce time;
/// a bounce back before that is forgotten. EN 60839-11-1 asks that an input lasting more than
/// 400 ms is processed, so the configuration allows at most 400 ms.
public struct InputDebouncer: Sendable, Equatable {
    public let debounceMilliseconds: Int64
    /// The level last reported.
    public private(set) var level: Bool
    private var candidate: (level: Bool, since: Int64)?

    public init(debounceMilliseconds: Int, level: Bool = false) {
        self.debounceMilliseconds = Int64(debounceMilliseconds)
        self.level = level
    }

    public static func == (lhs: InputDebouncer, rhs: InputDebouncer) -> Bool {
        lhs.level == rhs.level && lhs.debounceMilliseconds == rhs.debounceMilliseconds
            && lhs.candidate?.level == rhs.candidate?.level && lhs.candidate?.since == rhs.candidate?.since
    }

    /// The raw line read `raw` at `now`; returns the new level if it is now stable.
    public mutating func sample(_ raw: Bool, at now: Int64) -> Bool? {
        if raw == level {
            candidate = nil
            return nil
        }
        if candidate?.level != raw { candidate = (raw, now) }
        return poll(at: now)
    }

    /// Time passed without a new sample; returns the new level if it became stable.
    public mutating func poll(at now: Int64) -> Bool? {
        guard let candidate, now - candidate.since >= debounceMilliseconds else { return nil }
        level = candidate.level
        self.candidate = nil
        return level
    }

    /// When the level waiting to be confirmed will be, if one waits.
    public var dueAt: Int64? { candidate.map { $0.since + debounceMilliseconds } }
}
