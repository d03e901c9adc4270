#if canImport(Glibc)
import Glibc
#endif

/// A mutex and a condition variable whose timed waits run on CLOCK_MONOTONIC, so that a step of
/// the wall clock (NTP, an operator) neither stretches nor cuts a wait. Foundation's
/// `NSCondition.wait(until:)` waits for a wall-clock `Date`: an hour's step back would hold the
/// access thread's quarter-second tick for an hour.
// The pthread objects live in memory this class allocates and frees; pthread makes them safe
// to use from any thread. That is what makes sharing it safe.
final class MonotonicCondition: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
    func broadcast() { pthread_cond_broadcast(condition) }

    /// Waits (the lock held) until woken.
    func wait() { pthread_cond_wait(condition, mutex) }

    /// Waits (the lock held) until woken or the monotonic clock reaches `deadline`
    /// (``MonotonicClock/nanoseconds()``); false when the deadline passed.
    func wait(until deadline: UInt64) -> Bool {
        var time = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        return pthread_cond_timedwait(condition, mutex, &time) == 0
    }
}
