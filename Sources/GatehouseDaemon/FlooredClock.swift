import GatehouseCore
import Synchronization

/// The daemon's wall clock with the clock floor of contract section 7.4 (``ClockFloor``):
/// every thread that stamps an event or checks a validity window reads time through
/// ``clock``, so no event is dated before the floor and every decision uses it while the
/// system clock is behind. The floor starts at what the store knows (the newest event, the
/// applied bundle's `iat`) and is raised by every bundle applied.
final class FlooredClock: Sendable {
    private let source: DaemonClock
    private let floor: Mutex<ClockFloor>

    /// `episode`: the floor of a suspect-clock episode the store has open.
    init(_ source: DaemonClock, skewSeconds: Int, startingAt known: Timestamp?, episode: Timestamp?) {
        self.source = source
        var floor = ClockFloor(skewSeconds: skewSeconds, episode: episode)
        if let known { floor.raise(to: known) }
        self.floor = Mutex(floor)
    }

    /// The clocks to hand every service.
    var clock: DaemonClock {
        DaemonClock(wall: { [self] in read().wall }, monotonic: source.monotonic, reading: { [self] in read() })
    }

    /// A bundle was applied: its `iat` joins the floor.
    func raise(to time: Timestamp) {
        floor.withLock { $0.raise(to: time) }
    }

    /// A reload may change `[policy] clock_skew_s`.
    func setSkew(seconds: Int) {
        floor.withLock { $0.skewMilliseconds = Int64(seconds) * 1000 }
    }

    private func read() -> Moment {
        // Both clocks read inside the lock, so that readings on two threads stay in order.
        floor.withLock { $0.read(system: source.wall(), monotonic: source.monotonic()) }
    }
}
