/// When something happened, on the two clocks the access path keeps apart: the wall clock
/// for timestamps, schedules and validity windows; a monotonic clock for every duration (door
/// windows, held-open times, once-a-second work), so that an NTP step neither stretches nor
/// cuts them.
public struct Moment: Sendable, Equatable {
    /// The wall-clock time, for events, schedules and validity.
    public var wall: Timestamp
    /// Milliseconds on a monotonic clock of any origin, for durations only.
    public var monotonic: Int64
    /// What the system clock read when it was behind the clock floor by more than the allowed
    /// skew (``ClockFloor``): `wall` is then the floor, and the clock is suspect. Nil when the
    /// clock is trusted.
    public var systemBelowFloor: Timestamp?

    public init(wall: Timestamp, monotonic: Int64, systemBelowFloor: Timestamp? = nil) {
        self.wall = wall
        self.monotonic = monotonic
        self.systemBelowFloor = systemBelowFloor
    }

    /// The same moment `milliseconds` later on both clocks.
    public func adding(milliseconds: Int64) -> Moment {
        Moment(wall: wall.adding(milliseconds: milliseconds), monotonic: monotonic + milliseconds, systemBelowFloor: systemBelowFloor?.adding(milliseconds: milliseconds))
    }
}
