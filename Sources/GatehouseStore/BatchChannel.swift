import Foundation

/// A bounded, blocking hand-over of batches from one thread to another. The sender waits while
/// the channel is full; the receiver waits while it is empty; either side can stop it.
// Safe to share across threads: every stored property is read and written only while
// `condition` is locked.
final class BatchChannel<Batch>: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [Batch] = []
    private let capacity: Int
    private var closed = false
    private var cancelled = false

    init(capacity: Int) {
        precondition(capacity > 0, "a channel holds at least one batch")
        self.capacity = capacity
    }

    /// Hands a batch over; false when the receiver has cancelled and the sender should stop.
    func send(_ batch: Batch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        queue.append(batch)
        condition.broadcast()
        return true
    }

    /// The next batch, or nil once the sender has closed the channel and it is drained.
    func receive() -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !closed && !cancelled { condition.wait() }
        guard !cancelled, !queue.isEmpty else { return nil }
        let batch = queue.removeFirst()
        condition.broadcast()
        return batch
    }

    /// The sender is done.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The receiver gives up: a waiting or later `send` returns false.
    func cancel() {
        condition.lock()
        cancelled = true
        queue.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
