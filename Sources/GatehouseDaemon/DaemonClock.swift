import Dispatch
import GatehouseCore

/// The daemon's two clocks: the wall clock for timestamps, schedules and validity, and a
/// monotonic clock (CLOCK_MONOTONIC, through Dispatch) for every duration. Tests replace
/// either.
public struct DaemonClock: Sendable {
    public var wall: @Sendable () -> Timestamp
    /// Milliseconds since an arbitrary origin; never steps.
    public var monotonic: @Sendable () -> Int64

    public init(wall: @escaping @Sendable () -> Timestamp, monotonic: @escaping @Sendable () -> Int64) {
        self.wall = wall
        self.monotonic = monotonic
    }

    /// The system's clocks.
    public static let system = DaemonClock(wall: WallClock.now, monotonic: DaemonClock.monotonicMilliseconds)

    /// Now, on both clocks.
    public func moment() -> Moment { Moment(wall: wall(), monotonic: monotonic()) }

    /// CLOCK_MONOTONIC in milliseconds.
    public static func monotonicMilliseconds() -> Int64 {
        Int64(DispatchTime.now().uptimeNanoseconds / 1_000_000)
    }
}
