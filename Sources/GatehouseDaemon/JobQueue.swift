import Foundation

/// A bounded first-in first-out queue between threads. A full queue refuses new work rather
/// than letting a flood of presentations pile up behind the door.
// NSCondition guards every stored property, so the queue is shared across threads safely.
final class JobQueue<Job: Sendable>: @unchecked Sendable {
    enum Next {
        case job(Job)
        case timedOut
        case closed
    }

    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var head = 0
    private var isClosed = false
    let capacity: Int

    init(capacity: Int) {
        precondition(capacity > 0, "a queue holds at least one job")
        self.capacity = capacity
    }

    /// Adds a job; false when the queue is full or closed.
    func push(_ job: Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !isClosed, jobs.count - head < capacity else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// The oldest job, waiting up to `timeout` seconds. After ``close()`` the remaining jobs
    /// are still handed out, then `.closed`.
    func pop(timeout: TimeInterval) -> Next {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while head == jobs.count {
            if isClosed { return .closed }
            if !condition.wait(until: deadline) { return head == jobs.count ? (isClosed ? .closed : .timedOut) : next() }
        }
        return next()
    }

    private func next() -> Next {
        let job = jobs[head]
        head += 1
        if head > 64, head * 2 > jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        return .job(job)
    }

    /// Refuses new jobs; the ones queued are still handed out.
    func close() {
        condition.lock()
        isClosed = true
        condition.broadcast()
        condition.unlock()
    }
}
