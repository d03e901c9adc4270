import Foundation

/// A bounded first-in first-out queue between threads, the one every thread of Gatehouse hands
/// work through. ``offer(_:)`` refuses when it is full (a flood of presentations never piles up
/// behind the door); ``send(_:)`` waits for room (a bundle's batches, which must all arrive).
/// ``close()`` refuses new elements and lets the queued ones drain; ``cancel()`` drops them and
/// wakes every waiter, which is the receiver's way of giving up.
// The condition's mutex guards every stored property, so the queue is shared across threads
// safely. Timed waits run on the monotonic clock.
public final class BlockingQueue<Element: Sendable>: @unchecked Sendable {
    public enum Next {
        case element(Element)
        case timedOut
        /// Closed and drained, or cancelled.
        case closed
    }

    private let condition = MonotonicCondition()
    private var elements: [Element] = []
    private var head = 0
    private var isClosed = false
    private var isCancelled = false
    public let capacity: Int

    public init(capacity: Int) {
        precondition(capacity > 0, "a queue holds at least one element")
        self.capacity = capacity
    }

    private var count: Int { elements.count - head }

    /// Adds an element at once; false when the queue is full, closed or cancelled.
    public func offer(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !isClosed, !isCancelled, count < capacity else { return false }
        elements.append(element)
        condition.broadcast()
        return true
    }

    /// Adds an element, waiting while the queue is full; false when it is closed or cancelled.
    public func send(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while count >= capacity && !isCancelled && !isClosed { condition.wait() }
        guard !isCancelled, !isClosed else { return false }
        elements.append(element)
        condition.broadcast()
        return true
    }

    /// The oldest element, waiting up to `timeout` seconds (for ever when nil). After
    /// ``close()`` the queued elements are still handed out, then `.closed`.
    public func next(timeout: TimeInterval? = nil) -> Next {
        condition.lock()
        defer { condition.unlock() }
        let deadline = timeout.map { MonotonicClock.nanoseconds() + UInt64(max(0, $0) * 1_000_000_000) }
        while count == 0 || isCancelled {
            if isClosed || isCancelled { return .closed }
            if let deadline {
                if !condition.wait(until: deadline) && count == 0 { return isClosed ? .closed : .timedOut }
            } else {
                condition.wait()
            }
        }
        let element = elements[head]
        head += 1
        if head > 64, head * 2 > elements.count {
            elements.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return .element(element)
    }

    /// Refuses new elements; the queued ones are still handed out.
    public func close() {
        condition.lock()
        isClosed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Drops what is queued and refuses everything from now on; every waiter returns.
    public func cancel() {
        condition.lock()
        isCancelled = true
        elements.removeAll()
        head = 0
        condition.broadcast()
        condition.unlock()
    }
}
