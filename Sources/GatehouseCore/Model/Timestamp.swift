/// A point in time, in whole milliseconds since 1970-01-01T00:00:00Z.
///
/// The wire contract writes times as RFC 3339 (`2026-11-21T08:15:30.123Z`) in JSON and as
/// NumericDate seconds in JWTs; the cache stores milliseconds so that comparisons are integer
/// comparisons.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since the Unix epoch.
    public var millisecondsSinceEpoch: Int64

    /// A timestamp from milliseconds since the Unix epoch.
    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// A timestamp from a JWT NumericDate (seconds, possibly fractional).
    public init(numericDate seconds: Double) {
        self.millisecondsSinceEpoch = Int64((seconds * 1000).rounded(.down))
    }

    /// Seconds since the epoch, as a JWT NumericDate.
    public var numericDate: Int64 { millisecondsSinceEpoch.floorDivided(by: 1000) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// This time plus a number of seconds.
    public func adding(seconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + seconds * 1000)
    }

    /// This time plus a number of milliseconds.
    public func adding(milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + milliseconds)
    }

    public var description: String { rfc3339 }
}

extension Int64 {
    /// Division rounding towards negative infinity.
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
