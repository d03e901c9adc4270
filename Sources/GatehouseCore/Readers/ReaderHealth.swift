/// Whether a reader is working, and when to tell the site: a reader that cannot be opened, or
/// fails twice in a row, raises one fault; the first success after a raised fault is its
/// recovery. A single failure that the next attempt cures stays quiet (a damaged frame, say).
///
/// Time comes in as milliseconds on any monotonic clock.
public struct ReaderHealth: Sendable, Equatable {
    public enum Event: Sendable, Equatable {
        case opened
        case polled
        case failed(ReaderFault)
        /// The reader works but delivers nothing usable: a fault at once, not on the second.
        case broken(ReaderFault)
    }

    public enum Action: Sendable, Equatable {
        case none
        /// Raise `alarm.reader_fault`.
        case raise(ReaderFault)
        /// The reader works again after a raised fault that began this long ago.
        case recovered(downMilliseconds: Int64)
    }

    private enum State: Equatable {
        case starting
        case up
        case down(since: Int64, raised: Bool)
    }

    private var state = State.starting

    public init() {}

    /// Whether the reader is working as far as is known.
    public var isUp: Bool { state == .up }

    public mutating func on(_ event: Event, at now: Int64) -> Action {
        if case .broken(let fault) = event {
            switch state {
            case .down(_, true): return .none
            case .down(let since, false):
                state = .down(since: since, raised: true)
                return .raise(fault)
            case .starting, .up:
                state = .down(since: now, raised: true)
                return .raise(fault)
            }
        }
        switch (state, event) {
        case (.starting, .opened), (.starting, .polled):
            state = .up
            return .none
        case (.starting, .failed(let fault)):
            state = .down(since: now, raised: true)
            return .raise(fault)
        case (.up, .opened), (.up, .polled):
            return .none
        case (.up, .failed):
            state = .down(since: now, raised: false)
            return .none
        case (.down(let since, let raised), .opened), (.down(let since, let raised), .polled):
            state = .up
            return raised ? .recovered(downMilliseconds: now - since) : .none
        case (.down(let since, false), .failed(let fault)):
            state = .down(since: since, raised: true)
            return .raise(fault)
        case (.down(_, true), .failed), (_, .broken):
            return .none
        }
    }
}
