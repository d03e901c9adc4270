/// Turns what a polled reader sees into taps: a card held on the reader is one tap; it counts
/// again once it has been away for ``removalMilliseconds``, or, when ``repeatMilliseconds`` is
/// set, every that often while it stays. A different card is a tap at once.
///
/// Being away is measured between polls that saw no card, never from the last poll that saw it:
/// a reader thread that falls behind (a busy machine, a slow reader) and polls again late finds
/// the held card still there, and that is not a new tap.
///
/// Time comes in as milliseconds on any monotonic clock.
public struct TapDetector: Sendable, Equatable {
    /// How long a card must be gone before it counts as removed: a card at the edge of the
    /// field misses a poll now and then without having left.
    public var removalMilliseconds: Int64
    /// A held card counts again this often; nil: never while it stays.
    public var repeatMilliseconds: Int64?

    private var held: [UInt8]?
    /// The first poll without the held card since it was last seen.
    private var absentSince: Int64?
    private var lastTap: Int64 = 0

    public init(removalMilliseconds: Int64 = 300, repeatMilliseconds: Int64? = nil) {
        precondition(removalMilliseconds >= 0 && (repeatMilliseconds ?? 1) > 0, "tap intervals must be positive")
        self.removalMilliseconds = removalMilliseconds
        self.repeatMilliseconds = repeatMilliseconds
    }

    /// The UID on the reader at this poll (nil: none): returns it when it is a tap.
    public mutating func on(_ uid: [UInt8]?, at now: Int64) -> [UInt8]? {
        guard let uid else {
            guard held != nil else { return nil }
            let since = absentSince ?? now
            if now - since >= removalMilliseconds {
                held = nil
                absentSince = nil
            } else {
                absentSince = since
            }
            return nil
        }
        absentSince = nil
        if held == uid {
            guard let repeatMilliseconds, now - lastTap >= repeatMilliseconds else { return nil }
            lastTap = now
            return uid
        }
        held = uid
        lastTap = now
        return uid
    }
}
