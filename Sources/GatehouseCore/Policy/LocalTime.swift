/// A wall-clock moment in some time zone: the local date, weekday and minute of the day.
public struct LocalTime: Sendable, Equatable {
    /// Days since 1970-01-01 in local time.
    public var day: Int64
    /// Minutes after local midnight, 0 to 1439.
    public var minute: Int

    /// The local time `offsetSeconds` east of UTC at `time`.
    public init(_ time: Timestamp, offsetSeconds: Int) {
        let local = time.millisecondsSinceEpoch + Int64(offsetSeconds) * 1000
        day = local.floorDivided(by: 86_400_000)
        minute = Int((local - day * 86_400_000) / 60_000)
    }

    /// `YYYY-MM-DD` of a local day number.
    public static func date(ofDay day: Int64) -> String {
        let (year, month, dayOfMonth) = Timestamp.civilFromDays(day)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(dayOfMonth, 2))"
    }

    /// The weekday of a local day number (day 0, 1970-01-01, was a Thursday).
    public static func weekday(ofDay day: Int64) -> Schedule.Weekday {
        let index = Int(((day + 3) % 7 + 7) % 7)  // 0 = Monday
        return Schedule.Weekday.allCases[index]
    }
}
