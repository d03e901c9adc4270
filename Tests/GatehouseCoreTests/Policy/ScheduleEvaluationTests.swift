import GatehouseCore
import Testing

@Suite("Schedules in their own time zone")
struct ScheduleEvaluationTests {
    let zones = TimeZoneCatalog()

    func isOpen(_ schedule: Schedule, _ utc: String) throws -> Bool {
        let time = try #require(Timestamp(rfc3339: utc))
        let local = try #require(zones.localTime(time, in: schedule.timeZone))
        return schedule.isOpen(at: local)
    }

    let nightShift = Schedule(id: "night", timeZone: "Europe/Berlin", windows: [.init(days: [.mon], fromMinute: 22 * 60, toMinute: 6 * 60)])
    let daily = Schedule(id: "day", timeZone: "Europe/Berlin", windows: [.init(days: Schedule.Weekday.allCases, fromMinute: 8 * 60, toMinute: 17 * 60)])

    @Test("a window that crosses midnight belongs to the day it starts on")
    func crossesMidnight() throws {
        // Monday 2026-11-23 in Berlin is UTC+1.
        #expect(try isOpen(nightShift, "2026-11-23T21:00:00Z"))  // Mon 22:00
        #expect(try isOpen(nightShift, "2026-11-24T04:59:00Z"))  // Tue 05:59
        #expect(try !isOpen(nightShift, "2026-11-24T05:00:00Z"))  // Tue 06:00
        #expect(try !isOpen(nightShift, "2026-11-23T20:59:00Z"))  // Mon 21:59
        #expect(try !isOpen(nightShift, "2026-11-24T22:00:00Z"))  // Tue 23:00: Tuesday has no window
        #expect(try !isOpen(nightShift, "2026-11-23T02:00:00Z"))  // Mon 03:00: Sunday had none
    }

    @Test("an exception replaces a day's windows; an empty one closes the day, not the night before's tail")
    func exceptions() throws {
        var schedule = nightShift
        schedule.exceptions = [.init(date: "2026-11-24", windows: [])]
        #expect(try isOpen(schedule, "2026-11-24T01:00:00Z"))  // Tue 02:00, Monday's shift
        schedule.exceptions = [.init(date: "2026-11-23", windows: [])]
        #expect(try !isOpen(schedule, "2026-11-23T21:30:00Z"))  // Monday closed by the exception
        #expect(try !isOpen(schedule, "2026-11-24T01:00:00Z"))  // and so is its tail
        schedule.exceptions = [.init(date: "2026-11-25", windows: [.init(days: [], fromMinute: 600, toMinute: 660)])]
        #expect(try isOpen(schedule, "2026-11-25T09:30:00Z"))  // Wed 10:30, a one-off window
    }

    @Test("spring forward: the windows keep their wall-clock times")
    func springForward() throws {
        // Berlin moves from UTC+1 to UTC+2 at 2026-03-29T01:00:00Z.
        #expect(try !isOpen(daily, "2026-03-28T06:30:00Z"))  // 07:30 CET
        #expect(try isOpen(daily, "2026-03-29T06:30:00Z"))  // 08:30 CEST
        #expect(try !isOpen(daily, "2026-03-29T15:00:00Z"))  // 17:00 CEST
    }

    @Test("fall back: the windows keep their wall-clock times")
    func fallBack() throws {
        // Berlin moves from UTC+2 to UTC+1 at 2026-10-25T01:00:00Z.
        #expect(try isOpen(daily, "2026-10-24T06:30:00Z"))  // 08:30 CEST
        #expect(try !isOpen(daily, "2026-10-25T06:30:00Z"))  // 07:30 CET
        #expect(try isOpen(daily, "2026-10-25T15:30:00Z"))  // 16:30 CET
    }

    @Test("a night shift across the spring-forward night ends at 06:00 local, an hour earlier in UTC")
    func nightAcrossChange() throws {
        let saturdayNight = Schedule(id: "n", timeZone: "Europe/Berlin", windows: [.init(days: [.sat], fromMinute: 22 * 60, toMinute: 6 * 60)])
        #expect(try isOpen(saturdayNight, "2026-03-29T03:30:00Z"))  // 05:30 CEST
        #expect(try !isOpen(saturdayNight, "2026-03-29T04:30:00Z"))  // 06:30 CEST
    }

    @Test("local days, dates and weekdays")
    func localDays() throws {
        let time = try #require(Timestamp(rfc3339: "2026-11-22T23:30:00Z"))
        let local = try #require(zones.localTime(time, in: "Asia/Tokyo"))
        #expect(LocalTime.date(ofDay: local.day) == "2026-11-23" && LocalTime.weekday(ofDay: local.day) == .mon && local.minute == 8 * 60 + 30)
        #expect(LocalTime.weekday(ofDay: 0) == .thu && LocalTime.weekday(ofDay: -1) == .wed)
        #expect(zones.localTime(Timestamp(millisecondsSinceEpoch: 0), in: "Mars/Olympus") == nil)
    }
}
