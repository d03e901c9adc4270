/// Counts denials in a row at each reader, to raise `repeated_denials` once per streak when
/// someone keeps trying (a lost badge being tested, a forged QR code).
public struct DenialStreaks: Sendable, Equatable {
    public var threshold: Int
    public private(set) var streaks: [String: Int] = [:]

    public init(threshold: Int) {
        precondition(threshold >= 1, "the threshold counts denials and must be at least 1")
        self.threshold = threshold
    }

    /// Records a decision at `reader`; returns the streak's length when it has just reached the
    /// threshold, nil otherwise. A grant ends the streak.
    public mutating func on(reader: String, granted: Bool) -> Int? {
        guard !granted else {
            streaks[reader] = nil
            return nil
        }
        let count = (streaks[reader] ?? 0) + 1
        streaks[reader] = count
        return count == threshold ? count : nil
    }
}
