/// How long to wait before the next connection attempt: exponential back-off with full
/// jitter, so that a site's devices do not all reconnect at once after the broker returns.
public struct ReconnectBackoff: Sendable, Equatable {
    /// The first delay's upper bound, in milliseconds.
    public var initialMilliseconds: Int64
    /// The largest upper bound, in milliseconds.
    public var maximumMilliseconds: Int64
    /// Failed attempts since the last successful connection.
    public private(set) var failures = 0

    public init(initialMilliseconds: Int64 = 1000, maximumMilliseconds: Int64 = 60_000) {
        precondition(initialMilliseconds > 0 && maximumMilliseconds >= initialMilliseconds, "back-off bounds must be positive and ordered")
        self.initialMilliseconds = initialMilliseconds
        self.maximumMilliseconds = maximumMilliseconds
    }

    /// The upper bound of the next delay: the initial one doubled per failure, capped.
    public var ceiling: Int64 {
        let doublings = min(failures, 40)
        let grown = initialMilliseconds.multipliedReportingOverflow(by: Int64(1) << doublings)
        return grown.overflow ? maximumMilliseconds : min(grown.partialValue, maximumMilliseconds)
    }

    /// Records a failed attempt and returns the delay before the next one: uniformly random
    /// between half the ceiling and the ceiling, so that it never collapses to zero.
    public mutating func nextDelay(using generator: inout some RandomNumberGenerator) -> Int64 {
        let bound = ceiling
        failures += 1
        return bound / 2 + Int64.random(in: 0...(bound - bound / 2), using: &generator)
    }

    /// A connection succeeded: the next failure starts from the initial delay again.
    public mutating func reset() {
        failures = 0
    }
}
