import Foundation
import Synchronization

/// A thread of the daemon's own for blocking work (SQLite, sockets, C libraries), kept off
/// Swift's cooperative pool. A service awaits its end with ``join()``.
final class DedicatedThread: Sendable {
    private struct Completion {
        var finished = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let completion = Mutex(Completion())

    /// Starts `body` on a new thread named `name`.
    init(name: String, body: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            body()
            finish()
        }
        thread.name = name
        thread.start()
    }

    private func finish() {
        let waiters = completion.withLock { state in
            state.finished = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the thread's body has returned.
    func join() async {
        await withCheckedContinuation { continuation in
            let finished = completion.withLock { state in
                if !state.finished { state.waiters.append(continuation) }
                return state.finished
            }
            if finished { continuation.resume() }
        }
    }
}
