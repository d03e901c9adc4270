/// Turns what a polled reader sees into taps: a card held on the reader is one tap; it counts
/// again once it has been away for ``removalMilliseconds``, or, when ``repeatMilliseconds`` is
/// set, every that often while it stays. A different card is a tap at once.
///
/// Time comes in as milliseconds on any monotonic clock.
public struct TapDetector: Sendable, Equatable {
    /// How long a card must be gone before it counts as removed: a card at the edge of the
    /// field misses a poll now and then without having left.
    public var removalMilliseconds: Int64
    /// A held card counts again this often; nil: never while it stays.
    public var repeatMilliseconds: Int64?

    private var held: [UInt8]?
    private var lastSeen: Int64 = 0
    private var lastTap: Int64 = 0

    public init(removalMilliseconds: Int64 = 300, repeatMilliseconds: Int64? = nil) {
        precondition(removalMilliseconds >= 0 && (repeatMilliseconds ?? 1) > 0, "tap intervals must be positive")
        self.removalMilliseconds = removalMilliseconds
        self.repeatMilliseconds = repeatMilliseconds
    }

    /// The UID on the reader at this poll (nil: none): returns it when it is a tap.
    public mutating func on(_ uid: [UInt8]?, at now: Int64) -> [UInt8]? {
        let stillHeld = held != nil && now - lastSeen < removalMilliseconds
        guard let uid else {
            if !stillHeld { held = nil }
            return nil
        }
        if stillHeld, held == uid {
            lastSeen = now
            guard let repeatMilliseconds, now - lastTap >= repeatMilliseconds else { return nil }
            lastTap = now
            return uid
        }
        held = uid
        lastSeen = now
        lastTap = now
        return uid
    }

    /// Forgets the held card, after the reader was reopened, say.
    public mutating func reset() {
        held = nil
    }
}
