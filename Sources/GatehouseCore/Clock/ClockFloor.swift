/// The clock floor of contract section 7.4: the device's notion of time never goes back below
/// the latest of the applied bundle's `iat`, the newest stored event's `time` and the last time
/// it saw.
///
/// Each reading of the system clock comes through ``read(system:monotonic:)``, which gives the
/// ``Moment`` to decide with:
/// - at or past the floor: the system time, which becomes the floor;
/// - behind it by no more than the skew (an NTP step of a few seconds): the floor, unmoved, so
///   event times never go backwards; the system clock catches up;
/// - behind it by more: the clock is *suspect* (``Moment/systemBelowFloor`` says so), an
///   episode begins at that floor. The device decides with the floor, which moves on with the
///   monotonic clock so that schedules and validity windows keep running. The episode ends
///   once the system clock reads at or past the floor *it began at*: a floor that ran ahead of
///   true time (a clock that was ahead, then set right) would otherwise never be caught up,
///   since the monotonic clock runs at the system clock's rate. An episode lasts at most the
///   gap it began with.
///
/// Pure: no clock is read here; the daemon wraps one of these behind a lock.
public struct ClockFloor: Sendable, Equatable {
    /// The time last used, and whether it moves on with the monotonic clock (only during an
    /// episode).
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
    /// The floor the episode began at; nil while the clock is trusted.
    public private(set) var episodeFloor: Timestamp?

    /// `episode`: the floor of an episode already open (kept in the store across a restart).
    public init(skewSeconds: Int, episode: Timestamp? = nil) {
        skewMilliseconds = Int64(skewSeconds) * 1000
        episodeFloor = episode
        raised = episode
    }

    /// Whether the system clock is behind the floor now: an episode is open.
    public var isSuspect: Bool { episodeFloor != nil }

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
        if let began = episodeFloor {
            guard system < began else {
                // The clock is right again: trust it, and forget the floor that ran on.
                episodeFloor = nil
                raised = nil
                seen = Seen(wall: system, monotonic: monotonic, advancing: false)
                return Moment(wall: system, monotonic: monotonic)
            }
            return suspect(system: system, monotonic: monotonic)
        }
        guard let floor = floor(at: monotonic), system < floor else {
            seen = Seen(wall: system, monotonic: monotonic, advancing: false)
            return Moment(wall: system, monotonic: monotonic)
        }
        if floor.millisecondsSinceEpoch - system.millisecondsSinceEpoch <= skewMilliseconds {
            return Moment(wall: floor, monotonic: monotonic)
        }
        episodeFloor = floor
        return suspect(system: system, monotonic: monotonic)
    }

    private mutating func suspect(system: Timestamp, monotonic: Int64) -> Moment {
        let floor = floor(at: monotonic) ?? system
        seen = Seen(wall: floor, monotonic: monotonic, advancing: true)
        return Moment(wall: floor, monotonic: monotonic, systemBelowFloor: system)
    }
}
