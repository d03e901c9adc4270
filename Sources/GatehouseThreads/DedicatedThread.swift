import Dispatch
import Foundation
import Synchronization

/// A thread of Gatehouse's own for blocking work (SQLite, sockets, C libraries, sleeps), kept
/// off Swift's cooperative pool, with a stop path: ``requestStop()`` raises a flag the body
/// reads through its ``StopSignal`` and cuts short its ``StopSignal/pause(milliseconds:)``;
/// ``join()`` (from async code) or ``joinBlocking()`` (from a thread) waits for the body to
/// return. Every thread of the daemon and its adapters is one of these.
public final class DedicatedThread: Sendable {
    private struct Completion {
        var finished = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let completion = Mutex(Completion())
    private let done = DispatchSemaphore(value: 0)
    /// What the body watches to know it should end.
    public let stop = StopSignal()
    public let name: String

    /// Starts `body` on a new thread named `name`; the body is handed the thread's stop signal.
    public init(name: String, body: @escaping @Sendable (StopSignal) -> Void) {
        self.name = name
        let thread = Thread { [self] in
            body(stop)
            finish()
        }
        thread.name = name
        thread.start()
    }

    /// Starts `body`, which ends by itself or through a stop path of its own (a closed queue).
    public convenience init(name: String, body: @escaping @Sendable () -> Void) {
        self.init(name: name) { _ in body() }
    }

    private func finish() {
        let waiters = completion.withLock { state in
            state.finished = true
            defer { state.waiters = [] }
            return state.waiters
        }
        done.signal()
        for waiter in waiters { waiter.resume() }
    }

    /// Asks the body to end: its stop signal is raised and a pause under way is cut short.
    public func requestStop() { stop.request() }

    /// Lowers the calling thread's scheduling priority by `increment` nice levels (Linux keeps
    /// a nice value per thread, and threads it starts inherit it): for background work that
    /// must yield the processor to the decision path. Raising it again needs privileges, so
    /// this only ever lowers it; a failure leaves the priority as it was.
    public static func lowerCurrentPriority(by increment: Int32) {
        #if os(Linux)
            // The thread's id, as /proc/thread-self names it (".../task/TID"): gettid(2) is not
            // declared by Glibc's module in Swift.
            guard let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self"),
                let tid = link.split(separator: "/").last.flatMap({ id_t($0) })
            else { return }
            let thread = tid
            errno = 0
            let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), thread)
            guard errno == 0 else { return }
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), thread, min(19, current + increment))
        #endif
    }

    /// Whether the body has returned.
    public var isFinished: Bool { completion.withLock { $0.finished } }

    /// Returns once the body has returned.
    public func join() async {
        await withCheckedContinuation { continuation in
            let finished = completion.withLock { state in
                if !state.finished { state.waiters.append(continuation) }
                return state.finished
            }
            if finished { continuation.resume() }
        }
    }

    /// Blocks the calling thread (never a task of the cooperative pool) until the body has
    /// returned, or `timeout` seconds; true when it returned.
    @discardableResult
    public func joinBlocking(timeout: TimeInterval? = nil) -> Bool {
        if isFinished { return true }
        let ok = timeout.map { done.wait(timeout: .now() + $0) == .success } ?? { done.wait(); return true }()
        if ok { done.signal() }  // leave it signalled for any other joiner
        return ok
    }

    /// Requests a stop and waits for the body to return.
    public func stopAndJoin() async {
        requestStop()
        await join()
    }

    /// Runs `body` on a thread of its own and returns its result, for async code that must
    /// call a blocking C library (the CLI's `nfc` tools).
    public static func run<T: Sendable>(name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        let result = Mutex<Result<T, any Error>?>(nil)
        let thread = DedicatedThread(name: name) { result.withLock { $0 = Result { try body() } } }
        await thread.join()
        guard let outcome = result.withLock({ $0 }) else { preconditionFailure("the thread's body ran") }
        return try outcome.get()
    }
}

/// A thread's stop flag, and a sleep that the flag cuts short.
public final class StopSignal: Sendable {
    private let flag = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)

    public init() {}

    /// Whether the thread was asked to end.
    public var isRequested: Bool { flag.load(ordering: .acquiring) }

    /// Asks the thread to end; idempotent.
    public func request() {
        if !flag.exchange(true, ordering: .acquiringAndReleasing) { wake.signal() }
    }

    /// Sleeps up to `milliseconds`, unless a stop is or becomes requested; false when stopping.
    @discardableResult
    public func pause(milliseconds: Int) -> Bool {
        guard !isRequested else { return false }
        if wake.wait(timeout: .now() + .milliseconds(milliseconds)) == .success {
            wake.signal()  // stays signalled: every later pause returns at once
            return false
        }
        return !isRequested
    }
}
