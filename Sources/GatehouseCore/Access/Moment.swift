/// When something happened, on the two clocks the access path keeps apart: the wall clock
/// for timestamps, schedules and validity windows; a monotonic clock for every duration (door
/// windows, held-open times, once-a-second work), so that an NTP step neither stretches nor
/// cuts them.
public struct Moment: Sendable, Equatable {
    /// The wall-clock time, for events, schedules and validity.
    public var wall: Timestamp
    /// Milliseconds on a monotonic clock of any origin, for durations only.
    public var monotonic: Int64

    public init(wall: Timestamp, monotonic: Int64) {
        self.wall = wall
        self.monotonic = monotonic
    }

    /// The same moment `milliseconds` later on both clocks.
    public func adding(milliseconds: Int64) -> Moment {
        Moment(wall: Timestamp(millisecondsSinceEpoch: wall.millisecondsSinceEpoch + milliseconds), monotonic: monotonic + milliseconds)
    }
}
