extension Timestamp {
    /// Parses an RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS`, optional fraction, then `Z` or
    /// `±HH:MM`. Lowercase `t` and `z` are accepted as RFC 3339 allows; anything else is nil.
    /// Fractions beyond milliseconds are truncated.
    public init?(rfc3339 text: String) {
        var utf8 = text.utf8[...]
        guard let seconds = Self.parseRFC3339(&utf8) else { return nil }
        self = seconds
    }

    private static func parseRFC3339(_ text: inout Substring.UTF8View) -> Timestamp? {
        func number(_ digits: Int) -> Int64? {
            var value: Int64 = 0
            for _ in 0..<digits {
                guard let byte = text.first, byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
                text.removeFirst()
            }
            return value
        }
        func expect(_ characters: UInt8...) -> Bool {
            guard let byte = text.first, characters.contains(byte) else { return false }
            text.removeFirst()
            return true
        }
        guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D), let day = number(2),
            expect(0x54, 0x74), let hour = number(2), expect(0x3A), let minute = number(2), expect(0x3A),
            let second = number(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
            hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var milliseconds: Int64 = 0
        if expect(0x2E) {
            var scale: Int64 = 100
            var digits = 0
            while let byte = text.first, byte >= 0x30, byte <= 0x39 {
                milliseconds += Int64(byte - 0x30) * scale
                scale /= 10
                digits += 1
                text.removeFirst()
            }
            guard digits > 0 else { return nil }
        }
        var offsetMinutes: Int64 = 0
        if expect(0x5A, 0x7A) {
            offsetMinutes = 0
        } else if let sign = text.first, sign == 0x2B || sign == 0x2D {
            text.removeFirst()
            guard let offsetHour = number(2), expect(0x3A), let offsetMinute = number(2),
                offsetHour <= 23, offsetMinute <= 59
            else { return nil }
            offsetMinutes = (offsetHour * 60 + offsetMinute) * (sign == 0x2D ? -1 : 1)
        } else {
            return nil
        }
        guard text.isEmpty else { return nil }
        // A leap second (:60) is folded onto the following second, as most systems do.
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60
        return Timestamp(millisecondsSinceEpoch: seconds * 1000 + milliseconds)
    }

    /// The time as RFC 3339 in UTC with milliseconds, as the wire contract writes it.
    public var rfc3339: String {
        let days = millisecondsSinceEpoch.floorDivided(by: 86_400_000)
        let millisecondOfDay = millisecondsSinceEpoch - days * 86_400_000
        let (year, month, day) = Self.civilFromDays(days)
        let hour = millisecondOfDay / 3_600_000
        let minute = millisecondOfDay / 60_000 % 60
        let second = millisecondOfDay / 1000 % 60
        let millisecond = millisecondOfDay % 1000
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(millisecond, 3))Z"
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let adjustedYear = month <= 2 ? year - 1 : year
        let era = adjustedYear.floorDivided(by: 400)
        let yearOfEra = adjustedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01.
    static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = shifted.floorDivided(by: 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
