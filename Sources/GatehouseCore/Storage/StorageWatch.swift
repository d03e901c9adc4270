/// Watches the state directory's free space: an episode of low space begins when the free
/// space falls under the threshold, and raises `alarm.storage_low` once; it ends when the free
/// space is back above the threshold by a tenth of it, so that a disk hovering at the line does
/// not raise an alarm on every reading.
public struct StorageWatch: Sendable, Equatable {
    /// What one reading of the free space gave.
    public enum Reading: Sendable, Equatable {
        /// An episode begins: raise the alarm.
        case becameLow
        /// The space is back: the episode is over.
        case recovered
        /// Nothing changed.
        case unchanged
    }

    public let thresholdBytes: Int64
    public private(set) var isLow = false

    public init(thresholdBytes: Int64) {
        precondition(thresholdBytes > 0, "a threshold is some bytes")
        self.thresholdBytes = thresholdBytes
    }

    /// Takes a reading of `freeBytes`.
    public mutating func read(freeBytes: Int64) -> Reading {
        if !isLow, freeBytes < thresholdBytes {
            isLow = true
            return .becameLow
        }
        if isLow, freeBytes >= thresholdBytes + thresholdBytes / 10 {
            isLow = false
            return .recovered
        }
        return .unchanged
    }
}
