import GatehouseCore
import GatehouseThreads

/// The daemon's two clocks: the wall clock for timestamps, schedules and validity, and a
/// monotonic clock (``MonotonicClock``) for every duration. Tests replace
/// either.
public struct DaemonClock: Sendable {
    public var wall: @Sendable () -> Timestamp
    /// Milliseconds since an arbitrary origin; never steps.
    public var monotonic: @Sendable () -> Int64
    /// Now, on both clocks; a clock with a floor (``FlooredClock``) says here whether the system
    /// clock is behind it.
    public var reading: @Sendable () -> Moment

    public init(wall: @escaping @Sendable () -> Timestamp, monotonic: @escaping @Sendable () -> Int64) {
        self.wall = wall
        self.monotonic = monotonic
        reading = { Moment(wall: wall(), monotonic: monotonic()) }
    }

    init(wall: @escaping @Sendable () -> Timestamp, monotonic: @escaping @Sendable () -> Int64, reading: @escaping @Sendable () -> Moment) {
        self.wall = wall
        self.monotonic = monotonic
        self.reading = reading
    }

    /// The system's clocks.
    public static let system = DaemonClock(wall: WallClock.now, monotonic: MonotonicClock.milliseconds)

    /// Now, on both clocks.
    public func moment() -> Moment { reading() }
}
