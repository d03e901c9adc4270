// Strings, numbers and dates of TOML 1.0.
extension TOMLReader {
    // MARK: - Strings

    /// `"…"` with escapes, on one line.
    mutating func basicString() throws(TOMLSyntaxError) -> String {
        position += 1
        var text: [UInt8] = []
        while true {
            guard let byte = peek() else { throw error("a string without its closing '\"'") }
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"): try escape(into: &text)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"): throw error("a newline in a string; use \"\"\" for text on several lines")
            default:
                guard !Self.isControl(byte) else { throw error("a control character (\(describe(byte))) in a string; write it as an escape") }
                text.append(byte)
                position += 1
            }
        }
    }

    /// `'…'`, taken as written, on one line.
    mutating func literalString() throws(TOMLSyntaxError) -> String {
        position += 1
        let start = position
        while true {
            guard let byte = peek() else { throw error("a string without its closing \"'\"") }
            if byte == UInt8(ascii: "'") {
                position += 1
                return String(decoding: bytes[start..<position - 1], as: UTF8.self)
            }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { throw error("a newline in a string; use ''' for text on several lines") }
            guard !Self.isControl(byte) else { throw error("a control character (\(describe(byte))) in a string") }
            position += 1
        }
    }

    /// `"""…"""`: escapes, newlines, and a backslash at a line's end joining it to the next.
    mutating func multilineBasicString() throws(TOMLSyntaxError) -> String {
        try multiline(quote: UInt8(ascii: "\"")) { (reader: inout TOMLReader, text: inout [UInt8]) throws(TOMLSyntaxError) in
            var ahead = reader.position + 1
            while ahead < reader.bytes.count, reader.bytes[ahead] == UInt8(ascii: " ") || reader.bytes[ahead] == UInt8(ascii: "\t") { ahead += 1 }
            let atLineEnd = ahead < reader.bytes.count && (reader.bytes[ahead] == UInt8(ascii: "\n") || reader.bytes[ahead] == UInt8(ascii: "\r"))
            guard atLineEnd else { return try reader.escape(into: &text) }
            reader.position = ahead
            while let next = reader.peek(), [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n")].contains(next) || (next == UInt8(ascii: "\r") && reader.peek(1) == UInt8(ascii: "\n")) {
                reader.position += 1
            }
        }
    }

    /// `'''…'''`, taken as written.
    mutating func multilineLiteralString() throws(TOMLSyntaxError) -> String {
        try multiline(quote: UInt8(ascii: "'"), backslash: nil)
    }

    /// The body of a multi-line string: a newline right after the opening quotes is dropped; up to
    /// two quotes may stand just before the closing three.
    private mutating func multiline(
        quote: UInt8, backslash: ((inout TOMLReader, inout [UInt8]) throws(TOMLSyntaxError) -> Void)? = nil
    ) throws(TOMLSyntaxError) -> String {
        position += 3
        if peek() == UInt8(ascii: "\n") {
            position += 1
        } else if peek() == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") {
            position += 2
        }
        var text: [UInt8] = []
        while true {
            guard let byte = peek() else { throw error("a multi-line string without its closing quotes") }
            switch byte {
            case quote:
                var run = 0
                while peek(run) == quote { run += 1 }
                if run < 3 {
                    text.append(contentsOf: repeatElement(quote, count: run))
                    position += run
                } else if run <= 5 {
                    text.append(contentsOf: repeatElement(quote, count: run - 3))
                    position += run
                    return String(decoding: text, as: UTF8.self)
                } else {
                    throw error("more than five quotes in a row in a multi-line string")
                }
            case UInt8(ascii: "\\") where backslash != nil: try backslash!(&self, &text)
            case UInt8(ascii: "\n"):
                text.append(byte)
                position += 1
            case UInt8(ascii: "\r") where peek(1) == UInt8(ascii: "\n"):
                text.append(contentsOf: [byte, UInt8(ascii: "\n")])
                position += 2
            default:
                guard !Self.isControl(byte) else { throw error("a control character (\(describe(byte))) in a string") }
                text.append(byte)
                position += 1
            }
        }
    }

    /// One escape of a basic string, the backslash at `position`.
    mutating func escape(into text: inout [UInt8]) throws(TOMLSyntaxError) {
        guard let letter = peek(1) else { throw error("a string without its closing quote") }
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "b"): 0x08, UInt8(ascii: "t"): 0x09, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "f"): 0x0C, UInt8(ascii: "r"): 0x0D,
            UInt8(ascii: "\""): UInt8(ascii: "\""), UInt8(ascii: "\\"): UInt8(ascii: "\\"),
        ]
        if let byte = simple[letter] {
            text.append(byte)
            position += 2
            return
        }
        let digits = letter == UInt8(ascii: "u") ? 4 : letter == UInt8(ascii: "U") ? 8 : 0
        guard digits > 0 else { throw error("an unknown escape \\\(describe(letter)) in a string") }
        let start = position + 2
        guard start + digits <= bytes.count, let code = UInt32(String(decoding: bytes[start..<start + digits], as: UTF8.self), radix: 16),
            bytes[start..<start + digits].allSatisfy({ Self.hexValue($0) != nil }), let scalar = Unicode.Scalar(code)
        else { throw error("\\\(Character(Unicode.Scalar(letter))) must be followed by \(digits) hex digits of a Unicode scalar value") }
        text.append(contentsOf: Array(String(Character(scalar)).utf8))
        position = start + digits
    }

    // MARK: - Numbers and dates

    /// An integer, a float, or a date, time or date-time.
    mutating func scalar() throws(TOMLSyntaxError) -> ConfigValue {
        let start = position
        while let byte = peek(), Self.isScalar(byte) { position += 1 }
        // A date and a time may be separated by a space.
        if position - start == 10, peek() == UInt8(ascii: " "), let hour = peek(1), let next = peek(2), peek(3) == UInt8(ascii: ":"),
            Self.isDigit(hour), Self.isDigit(next), Self.localDate(bytes[start..<position])
        {
            position += 1
            while let byte = peek(), Self.isScalar(byte) { position += 1 }
        }
        let token = Array(bytes[start..<position])
        guard !token.isEmpty else { throw error(peek().map { "expected a value, found \(describe($0))" } ?? "expected a value") }
        let text = String(decoding: token, as: UTF8.self)
        if token.contains(UInt8(ascii: ":")) || (token.count >= 10 && token[4] == UInt8(ascii: "-") && Self.isDigit(token[0])) {
            guard Self.isDateTime(token[...]) else { throw error("\(text) is not a valid date, time or date-time") }
            return .dateTime(text)
        }
        if let value = Self.number(token) { return value }
        position = start
        throw error("\(text) is not a valid value")
    }

    /// Characters a number or date-time is made of.
    static func isScalar(_ byte: UInt8) -> Bool {
        isBareKey(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Digits of `radix`, with single underscores only between two digits.
    static func digits(_ token: ArraySlice<UInt8>, radix: UInt8) -> Bool {
        guard let first = token.first, let last = token.last, first != UInt8(ascii: "_"), last != UInt8(ascii: "_") else { return false }
        var previousUnderscore = false
        for byte in token {
            if byte == UInt8(ascii: "_") {
                if previousUnderscore { return false }
                previousUnderscore = true
            } else {
                guard let value = hexValue(byte), value < radix else { return false }
                previousUnderscore = false
            }
        }
        return true
    }

    static func number(_ token: [UInt8]) -> ConfigValue? {
        var body = token[...]
        let sign = body.first == UInt8(ascii: "+") || body.first == UInt8(ascii: "-") ? body.popFirst() : nil
        let special = String(decoding: body, as: UTF8.self)
        if special == "inf" || special == "nan" {
            let value = special == "inf" ? Double.infinity : Double.nan
            return .double(sign == UInt8(ascii: "-") ? -value : value)
        }
        let prefixes: [String: Int] = ["0x": 16, "0o": 8, "0b": 2]
        if body.count > 2, let radix = prefixes[String(decoding: body.prefix(2), as: UTF8.self)] {
            let digits = body.dropFirst(2)
            guard sign == nil, Self.digits(digits, radix: UInt8(radix)) else { return nil }
            return Int(String(decoding: digits.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self), radix: radix).map(ConfigValue.integer)
        }
        // Decimal: an integer part without leading zeros, then an optional fraction and exponent.
        let exponentAt = body.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        let mantissa = body[..<(exponentAt ?? body.endIndex)]
        let dotAt = mantissa.firstIndex(of: UInt8(ascii: "."))
        let integerPart = mantissa[..<(dotAt ?? mantissa.endIndex)]
        guard Self.digits(integerPart, radix: 10), integerPart.count == 1 || integerPart.first != UInt8(ascii: "0") else { return nil }
        if let dotAt, !Self.digits(mantissa[(dotAt + 1)...], radix: 10) { return nil }
        if let exponentAt {
            var exponent = body[(exponentAt + 1)...]
            if exponent.first == UInt8(ascii: "+") || exponent.first == UInt8(ascii: "-") { exponent = exponent.dropFirst() }
            guard Self.digits(exponent, radix: 10) else { return nil }
        }
        let plain = String(decoding: token.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        if dotAt == nil && exponentAt == nil { return Int(plain).map(ConfigValue.integer) }
        guard let value = Double(plain), value.isFinite else { return nil }
        return .double(value)
    }

    /// `YYYY-MM-DD`, a real day.
    static func localDate(_ token: ArraySlice<UInt8>) -> Bool {
        let t = Array(token)
        guard t.count == 10, t[4] == UInt8(ascii: "-"), t[7] == UInt8(ascii: "-"), let year = decimal(t[0..<4]), let month = decimal(t[5..<7]),
            let day = decimal(t[8..<10]), (1...12).contains(month)
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }

    /// `HH:MM:SS` with an optional fraction.
    static func localTime(_ token: ArraySlice<UInt8>) -> Bool {
        let t = Array(token)
        guard t.count >= 8, t[2] == UInt8(ascii: ":"), t[5] == UInt8(ascii: ":"), let hour = decimal(t[0..<2]), let minute = decimal(t[3..<5]),
            let second = decimal(t[6..<8]), hour < 24, minute < 60, second <= 60
        else { return false }
        guard t.count > 8 else { return true }
        return t[8] == UInt8(ascii: ".") && t.count > 9 && t[9...].allSatisfy(isDigit)
    }

    /// A local date, a local time, a local date-time or an offset date-time.
    static func isDateTime(_ token: ArraySlice<UInt8>) -> Bool {
        let t = Array(token)
        if localDate(token) { return true }
        if localTime(token) { return true }
        guard t.count >= 19, localDate(t[0..<10]), [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(t[10]) else { return false }
        var time = t[11...]
        if time.last == UInt8(ascii: "Z") || time.last == UInt8(ascii: "z") {
            time = time.dropLast()
        } else if time.count >= 6, [UInt8(ascii: "+"), UInt8(ascii: "-")].contains(time[time.endIndex - 6]) {
            let offset = Array(time.suffix(5))
            guard offset[2] == UInt8(ascii: ":"), let hours = decimal(offset[0..<2]), let minutes = decimal(offset[3..<5]), hours < 24, minutes < 60 else {
                return false
            }
            time = time.dropLast(6)
        }
        return localTime(time)
    }

    /// A run of ASCII digits as a number.
    private static func decimal(_ digits: ArraySlice<UInt8>) -> Int? {
        guard digits.allSatisfy(isDigit) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}
