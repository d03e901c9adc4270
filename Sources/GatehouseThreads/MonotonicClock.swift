#if canImport(Glibc)
import Glibc
#endif

/// CLOCK_MONOTONIC, the one clock of every duration in Gatehouse (door windows, debouncing,
/// taps, back-offs, timed waits, the watchdog): it never steps when the wall clock does.
public enum MonotonicClock {
    /// Nanoseconds since an arbitrary origin.
    public static func nanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// Milliseconds since an arbitrary origin.
    public static func milliseconds() -> Int64 { Int64(nanoseconds() / 1_000_000) }
}
