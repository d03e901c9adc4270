/// Decides which stored events to publish next, and what an acknowledgement completes.
///
/// Two lanes, each drained in `seq` order: the **live** lane holds the events stored since the
/// current connection came up; the **backlog** lane holds the unpublished events older than that.
/// The live lane is served first, so a live event never waits behind a long backlog for more
/// than one window of acknowledgements. At most `window` events are in flight (published, not
/// yet acknowledged). The caller does the I/O: it asks ``nextFetch()`` what to read, reads the
/// unpublished events in that range, publishes the ones ``accept(fetched:for:)`` returns and
/// reports each message id with ``sent(seq:messageID:)``; acknowledgements come back through
/// ``acknowledged(messageID:)``, which names the event to mark published.
///
/// In-flight messages survive a reconnect: the MQTT client resends them itself, so they are
/// neither forgotten nor published again; each connection rescans the outbox from the start,
/// skipping what is in flight.
public struct OutboxDrain: Sendable, Equatable {
    /// Which part of the outbox a fetch reads.
    public enum Lane: Sendable, Equatable {
        case live
        case backlog
    }

    /// Read the unpublished events with `afterSeq < seq < beforeSeq` (no upper bound when nil),
    /// oldest first, at most `limit`.
    public struct Fetch: Sendable, Equatable {
        public var lane: Lane
        public var afterSeq: Int64
        public var beforeSeq: Int64?
        public var limit: Int
    }

    /// The most events in flight at once.
    public let window: Int
    /// The most events read in one fetch.
    public let batch: Int
    public private(set) var isConnected = false
    /// Publishing failed; nothing more is sent until the next connection or ``retry()``.
    public private(set) var isPaused = false
    /// Message id to seq, for the events published and not yet acknowledged.
    public private(set) var inFlight: [Int32: Int64] = [:]
    private var inFlightSeqs: Set<Int64> = []
    /// The first seq of the live lane: the seq the next event got when the connection came up.
    public private(set) var liveFrom: Int64 = 1
    private var liveCursor: Int64 = 0
    private var backlogCursor: Int64 = 0
    private var liveExhausted = false
    private var backlogExhausted = false

    public init(window: Int = 256, batch: Int = 256) {
        precondition(window > 0 && batch > 0, "the window and the batch hold at least one event")
        self.window = window
        self.batch = batch
    }

    /// The connection is up; `nextSeq` is the seq the next stored event will get.
    public mutating func connected(nextSeq: Int64) {
        isConnected = true
        isPaused = false
        rescan(nextSeq: nextSeq)
    }

    /// The connection is down: nothing is published until it is up again.
    public mutating func disconnected() {
        isConnected = false
    }

    /// New events were stored: the live lane has more to read.
    public mutating func stored() {
        liveExhausted = false
    }

    /// A publish call failed: stop until the connection comes back or the caller retries.
    public mutating func publishFailed() {
        isPaused = true
    }

    /// Resumes after a failed publish, rescanning from the start.
    public mutating func retry(nextSeq: Int64) {
        guard isPaused, isConnected else { return }
        isPaused = false
        rescan(nextSeq: nextSeq)
    }

    private mutating func rescan(nextSeq: Int64) {
        liveFrom = nextSeq
        liveCursor = nextSeq - 1
        backlogCursor = 0
        liveExhausted = false
        backlogExhausted = nextSeq <= 1
    }

    /// What to read next, or nil while the window is full, the link is down, or both lanes are
    /// read to their end.
    public func nextFetch() -> Fetch? {
        let room = window - inFlight.count
        guard isConnected, !isPaused, room > 0 else { return nil }
        let limit = min(room, batch)
        if !liveExhausted { return Fetch(lane: .live, afterSeq: liveCursor, beforeSeq: nil, limit: limit) }
        if !backlogExhausted { return Fetch(lane: .backlog, afterSeq: backlogCursor, beforeSeq: liveFrom, limit: limit) }
        return nil
    }

    /// Takes the seqs a fetch found (ascending) and returns those to publish now: the ones not
    /// already in flight.
    public mutating func accept(fetched seqs: [Int64], for fetch: Fetch) -> [Int64] {
        let exhausted = seqs.count < fetch.limit
        switch fetch.lane {
        case .live:
            if let last = seqs.last { liveCursor = max(liveCursor, last) }
            if exhausted { liveExhausted = true }
        case .backlog:
            if let last = seqs.last { backlogCursor = max(backlogCursor, last) }
            if exhausted { backlogExhausted = true }
        }
        return seqs.filter { !inFlightSeqs.contains($0) }
    }

    /// An event was handed to the client with this message id. Its acknowledgement may already
    /// be queued behind this call; it is matched when it is processed.
    public mutating func sent(seq: Int64, messageID: Int32) {
        precondition(inFlight[messageID] == nil, "message id \(messageID) is already in flight")
        inFlight[messageID] = seq
        inFlightSeqs.insert(seq)
    }

    /// The broker acknowledged a message: returns the seq to mark published, or nil for a
    /// message id that is not an event's (a status or an ack message).
    public mutating func acknowledged(messageID: Int32) -> Int64? {
        guard let seq = inFlight.removeValue(forKey: messageID) else { return nil }
        inFlightSeqs.remove(seq)
        return seq
    }

    /// The broker refused a message (an MQTT 5 PUBACK with a failure reason: not authorized,
    /// say): returns the refused event's seq, which stays unpublished, and pauses the drain
    /// until ``retry(nextSeq:)``; nil for a message id that is not an event's.
    public mutating func refused(messageID: Int32) -> Int64? {
        guard let seq = inFlight.removeValue(forKey: messageID) else { return nil }
        inFlightSeqs.remove(seq)
        isPaused = true
        return seq
    }

    /// Whether every event read so far is acknowledged and both lanes are read to their end.
    public var isIdle: Bool { inFlight.isEmpty && liveExhausted && backlogExhausted }
}
