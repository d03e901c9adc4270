/// The clock floor of contract section 7.4: the device's notion of time never goes back below
/// the latest of the applied bundle's `iat`, the newest stored event's `time` and the last time
/// it saw.
///
/// Each reading of the system clock comes through ``read(system:monotonic:)``, which gives the
/// ``Moment`` to decide with:
/// - at or past the floor: the system time, which becomes the floor;
/// - behind it by no more than the skew (an NTP step of a few seconds): the floor, unmoved, so
///   event times never go backwards; the system clock catches up;
/// - behind it by more: the clock is *suspect* (``Moment/systemBelowFloor`` says so). The device
///   decides with the floor, and the floor moves on with the monotonic clock from then on, so
///   that schedules and validity windows keep running while the clock is wrong. The episode
///   ends once the system clock is past the floor again.
///
/// Pure: no clock is read here; the daemon wraps one of these behind a lock.
public struct ClockFloor: Sendable, Equatable {
    /// The time last used, and whether it moves on with the monotonic clock (only while
    /// suspect: a system clock that NTP slews slower than the monotonic one must not be
    /// overtaken by its own floor).
    struct Seen: Sendable, Equatable {
        var wall: Timestamp
        var monotonic: Int64
        var advancing: Bool
    }

    /// How far the system clock may read behind the floor before it is suspect.
    public var skewMilliseconds: Int64
    /// The latest time told by ``raise(to:)``: a bundle's `iat`, the newest event's time.
    private(set) var raised: Timestamp?
    private(set) var seen: Seen?

    public init(skewSeconds: Int) {
        skewMilliseconds = Int64(skewSeconds) * 1000
    }

    /// Whether the last reading found the system clock suspect.
    public var isSuspect: Bool { seen?.advancing ?? false }

    /// Raises the floor to `time` if it is later: a bundle's `iat`, the newest stored event's
    /// time when the daemon starts.
    public mutating func raise(to time: Timestamp) {
        if raised.map({ time > $0 }) ?? true { raised = time }
    }

    /// The floor at `monotonic`: nil before anything is known.
    public func floor(at monotonic: Int64) -> Timestamp? {
        let last = seen.map { seen in
            seen.advancing ? seen.wall.adding(milliseconds: max(0, monotonic - seen.monotonic)) : seen.wall
        }
        switch (raised, last) {
        case (let raised?, let last?): return max(raised, last)
        case (let raised?, nil): return raised
        case (nil, let last): return last
        }
    }

    /// One reading of the system clock: the moment to decide with.
    public mutating func read(system: Timestamp, monotonic: Int64) -> Moment {
        guard let floor = floor(at: monotonic), system < floor else {
            seen = Seen(wall: system, monotonic: monotonic, advancing: false)
            return Moment(wall: system, monotonic: monotonic)
        }
        if !isSuspect, floor.millisecondsSinceEpoch - system.millisecondsSinceEpoch <= skewMilliseconds {
            return Moment(wall: floor, monotonic: monotonic)
        }
        seen = Seen(wall: floor, monotonic: monotonic, advancing: true)
        return Moment(wall: floor, monotonic: monotonic, systemBelowFloor: system)
    }
}
