/// Weekly opening windows in an IANA time zone, with dated exceptions.
public struct Schedule: Sendable, Equatable {
    public enum Weekday: String, Sendable, CaseIterable { case mon, tue, wed, thu, fri, sat, sun }

    /// A daily window from `from` to `to`, in minutes after local midnight. When `to` is not
    /// after `from` the window crosses midnight and ends the next day.
    public struct Window: Sendable, Equatable {
        public var days: [Weekday]
        public var fromMinute: Int
        public var toMinute: Int

        public init(days: [Weekday], fromMinute: Int, toMinute: Int) {
            self.days = days
            self.fromMinute = fromMinute
            self.toMinute = toMinute
        }

        init(fields: RecordFields, requireDays: Bool) throws(MalformedRecord) {
            var days: [Weekday] = []
            if requireDays || fields.value("days") != nil {
                guard case .array(let elements) = try fields.required("days"), !elements.isEmpty else {
                    throw fields.problem("days", "expected a non-empty array of mon, tue, wed, thu, fri, sat, sun")
                }
                for element in elements {
                    guard case .string(let text) = element, let day = Weekday(rawValue: text) else {
                        throw fields.problem("days", "expected days from mon, tue, wed, thu, fri, sat, sun")
                    }
                    days.append(day)
                }
            }
            let from = try Self.minute(fields, "from", allowEndOfDay: false)
            let to = try Self.minute(fields, "to", allowEndOfDay: true)
            guard from != to else { throw fields.problem("to", "equals `from`: a window must not be empty") }
            self.init(days: days, fromMinute: from, toMinute: to)
        }

        static func minute(_ fields: RecordFields, _ key: String, allowEndOfDay: Bool) throws(MalformedRecord) -> Int {
            let text = try fields.string(key)
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
                let hour = Int(parts[0]), let minute = Int(parts[1]), (0...59).contains(minute),
                (0...23).contains(hour) || (allowEndOfDay && hour == 24 && minute == 0)
            else {
                throw fields.problem(key, "expected a time of day as HH:MM, got \"\(text.prefix(20))\"")
            }
            return hour * 60 + minute
        }

        var jsonValue: JSONValue {
            func clock(_ minute: Int) -> String {
                let hour = minute / 60, rest = minute % 60
                return (hour < 10 ? "0" : "") + "\(hour):" + (rest < 10 ? "0" : "") + "\(rest)"
            }
            var members: [(key: String, value: JSONValue)] = []
            if !days.isEmpty { members.append(("days", .array(days.map { .string($0.rawValue) }))) }
            members.append(("from", .string(clock(fromMinute))))
            members.append(("to", .string(clock(toMinute))))
            return .object(JSONObject(members))
        }
    }

    /// A date whose windows replace the weekly ones; an empty list closes that day.
    public struct Exception: Sendable, Equatable {
        /// `YYYY-MM-DD`, local to the schedule's time zone.
        public var date: String
        public var windows: [Window]

        public init(date: String, windows: [Window]) {
            self.date = date
            self.windows = windows
        }
    }

    public var id: String
    /// An IANA time zone name such as `Europe/Berlin`.
    public var timeZone: String
    public var windows: [Window]
    public var exceptions: [Exception]

    public init(id: String, timeZone: String, windows: [Window], exceptions: [Exception] = []) {
        self.id = id
        self.timeZone = timeZone
        self.windows = windows
        self.exceptions = exceptions
    }

    /// Reads a `schedule` record's fields. `isKnownTimeZone` says whether the device knows a
    /// zone name; it is passed in so that the core does no I/O.
    public init(id: String, fields: RecordFields, isKnownTimeZone: (String) -> Bool) throws(MalformedRecord) {
        let timeZone = try fields.string("tz")
        guard isKnownTimeZone(timeZone) else {
            throw fields.problem("tz", "expected an IANA time zone name such as Europe/Berlin, got \"\(timeZone.prefix(64))\"")
        }
        var windows: [Window] = []
        for window in try fields.objects("windows") {
            windows.append(try Window(fields: window, requireDays: true))
        }
        var exceptions: [Exception] = []
        if fields.value("exceptions") != nil {
            for exception in try fields.objects("exceptions") {
                let date = try exception.string("date")
                guard Timestamp(rfc3339: date + "T00:00:00Z") != nil, date.utf8.count == 10 else {
                    throw exception.problem("date", "expected a date as YYYY-MM-DD, got \"\(date.prefix(20))\"")
                }
                var dayWindows: [Window] = []
                for window in try exception.objects("windows") {
                    dayWindows.append(try Window(fields: window, requireDays: false))
                }
                exceptions.append(Exception(date: date, windows: dayWindows))
            }
        }
        self.init(id: id, timeZone: timeZone, windows: windows, exceptions: exceptions)
    }

    /// The weekly windows as JSON, for the cache.
    public var windowsJSON: JSONValue { .array(windows.map(\.jsonValue)) }

    /// The exceptions as JSON, for the cache.
    public var exceptionsJSON: JSONValue {
        .array(exceptions.map { .object(JSONObject([("date", .string($0.date)), ("windows", .array($0.windows.map(\.jsonValue)))])) })
    }
}
