import GatehouseCore
import GatehouseDaemon
import Synchronization

/// Clocks a test moves by hand: the monotonic clock only forward, the wall clock either way (an
/// NTP step). A daemon built with ``daemonClock`` hears the time at its next tick, within a
/// quarter of a second.
public final class ManualClock: Sendable {
    private let wall: Atomic<Int64>
    private let monotonic: Atomic<Int64>

    public init(wall: Timestamp = WallClock.now(), monotonic: Int64 = 1_000_000) {
        self.wall = Atomic(wall.millisecondsSinceEpoch)
        self.monotonic = Atomic(monotonic)
    }

    /// Time passes: both clocks move on.
    public func advance(milliseconds: Int64) {
        precondition(milliseconds >= 0, "time passes forward")
        wall.add(milliseconds, ordering: .relaxed)
        monotonic.add(milliseconds, ordering: .relaxed)
    }

    /// The wall clock alone is stepped, as NTP would step it.
    public func stepWall(milliseconds: Int64) {
        wall.add(milliseconds, ordering: .relaxed)
    }

    /// The two clocks for `DaemonDependencies.clock`.
    public var daemonClock: DaemonClock {
        DaemonClock(
            wall: { [self] in Timestamp(millisecondsSinceEpoch: wall.load(ordering: .relaxed)) },
            monotonic: { [self] in monotonic.load(ordering: .relaxed) })
    }
}
