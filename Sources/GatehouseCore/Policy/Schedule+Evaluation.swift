extension Schedule {
    /// Whether the schedule is open at a local time of its own zone. A window whose `to` is not
    /// after its `from` crosses midnight: its tail belongs to the day it started on, so the
    /// previous day's windows (or that day's exception) are consulted too. Wall-clock times are
    /// compared, so a daylight-saving change moves the instants and not the windows.
    public func isOpen(at local: LocalTime) -> Bool {
        for window in windows(onDay: local.day) where local.minute >= window.fromMinute {
            if window.toMinute <= window.fromMinute || local.minute < window.toMinute { return true }
        }
        for window in windows(onDay: local.day - 1) where window.toMinute <= window.fromMinute {
            if local.minute < window.toMinute { return true }
        }
        return false
    }

    /// The windows starting on a local day: that date's exception when there is one, otherwise
    /// the weekly windows for its weekday.
    func windows(onDay day: Int64) -> [Window] {
        let date = LocalTime.date(ofDay: day)
        if let exception = exceptions.first(where: { $0.date == date }) { return exception.windows }
        let weekday = LocalTime.weekday(ofDay: day)
        return windows.filter { $0.days.contains(weekday) }
    }
}
