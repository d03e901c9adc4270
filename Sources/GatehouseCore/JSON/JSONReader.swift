/// A strict RFC 8259 JSON reader for one document held in memory (a bundle record line).
///
/// Foundation's `JSONDecoder` costs about 8 µs per bundle record on this hardware and SQLite's
/// JSON1 functions about 7 µs; applying 200,000 records per second leaves 5 µs for everything,
/// so records are read here instead (see docs/decisions.md). It refuses what RFC 8259 refuses,
/// plus duplicate keys, which would make a signed record ambiguous.
public struct JSONReader {
    /// Why a document is not valid JSON, and at which byte offset.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Byte offset into the document, from 0.
        public var offset: Int
        /// What is wrong there.
        public var message: String
        public var description: String { "invalid JSON at byte \(offset + 1): \(message)" }
    }

    /// Nesting deeper than this is refused: records are two or three levels deep.
    public static let maximumDepth = 32

    /// Parses `bytes` as exactly one JSON value, with optional white space around it. This is
    /// the fast path: the bytes are read in place.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> JSONValue {
        var reader = JSONReader(buffer: bytes.assumingMemoryBound(to: UInt8.self))
        reader.skipWhitespace()
        let value = try reader.readValue(depth: 0)
        reader.skipWhitespace()
        guard reader.position == bytes.count else { throw reader.failure("unexpected data after the value") }
        return value
    }

    /// Parses a byte array; see ``parse(_:)-(UnsafeRawBufferPointer)``.
    public static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        try bytes.withUnsafeBytes { buffer in Result { () throws(Failure) in try parse(buffer) } }.get()
    }

    /// Parses a UTF-8 string; see ``parse(_:)-(UnsafeRawBufferPointer)``.
    public static func parse(_ text: String) throws(Failure) -> JSONValue {
        try parse(Array(text.utf8))
    }

    private let buffer: UnsafeBufferPointer<UInt8>
    private var position = 0

    private init(buffer: UnsafeBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    private func failure(_ message: String) -> Failure {
        Failure(offset: position, message: message)
    }

    private var current: UInt8? { position < buffer.count ? buffer[position] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            position += 1
        }
    }

    private mutating func readValue(depth: Int) throws(Failure) -> JSONValue {
        guard depth < Self.maximumDepth else { throw failure("nested deeper than \(Self.maximumDepth) levels") }
        guard let byte = current else { throw failure("unexpected end of data, expected a value") }
        switch byte {
        case UInt8(ascii: "{"): return .object(try readObject(depth: depth))
        case UInt8(ascii: "["): return .array(try readArray(depth: depth))
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try readNumber()
        default: throw failure("unexpected character '\(Unicode.Scalar(byte))', expected a value")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(Failure) {
        let count = literal.utf8CodeUnitCount
        guard position + count <= buffer.count else { throw failure("unexpected end of data in a literal") }
        for index in 0..<count where buffer[position + index] != literal.utf8Start[index] {
            throw failure("invalid literal, expected \(literal)")
        }
        position += count
    }

    private mutating func readObject(depth: Int) throws(Failure) -> JSONObject {
        position += 1  // {
        var members: [(key: String, value: JSONValue)] = []
        members.reserveCapacity(12)
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return JSONObject(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw failure("expected a member name in quotes") }
            let keyOffset = position
            let key = try readString()
            if members.contains(where: { $0.key == key }) {
                throw Failure(offset: keyOffset, message: "duplicate member \"\(key)\"")
            }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw failure("expected ':' after a member name") }
            position += 1
            skipWhitespace()
            members.append((key, try readValue(depth: depth + 1)))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return JSONObject(members)
            default: throw failure("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func readArray(depth: Int) throws(Failure) -> [JSONValue] {
        position += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return elements
        }
        while true {
            skipWhitespace()
            elements.append(try readValue(depth: depth + 1))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return elements
            default: throw failure("expected ',' or ']' in an array")
            }
        }
    }

    private mutating func readString() throws(Failure) -> String {
        position += 1  // opening quote
        let start = position
        // Fast path: no escapes, so the bytes are the string once they are valid UTF-8.
        var isASCII = true
        while let byte = current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { throw failure("control character in a string") }
            isASCII = isASCII && byte < 0x80
            position += 1
        }
        guard let stop = current else { throw failure("unterminated string") }
        if stop == UInt8(ascii: "\"") {
            position += 1
            let bytes = UnsafeBufferPointer(rebasing: buffer[start..<position - 1])
            // ASCII is valid UTF-8 as it stands; only other text needs the (slower) validation.
            return isASCII ? String(decoding: bytes, as: UTF8.self) : try validatedString(bytes, at: start)
        }
        var bytes = Array(buffer[start..<position])
        while true {
            guard let byte = current else { throw failure("unterminated string") }
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return try bytes.withUnsafeBufferPointer { (chars) throws(Failure) -> String in
                    try validatedString(chars, at: start)
                }
            case UInt8(ascii: "\\"):
                position += 1
                try readEscape(into: &bytes)
            case ..<0x20:
                throw failure("control character in a string")
            default:
                bytes.append(byte)
                position += 1
            }
        }
    }

    private func validatedString(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) throws(Failure) -> String {
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw Failure(offset: offset, message: "string is not valid UTF-8")
        }
        return string
    }

    private mutating func readEscape(into bytes: inout [UInt8]) throws(Failure) {
        guard let byte = current else { throw failure("unterminated escape") }
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(byte)
        case UInt8(ascii: "b"): bytes.append(0x08)
        case UInt8(ascii: "f"): bytes.append(0x0C)
        case UInt8(ascii: "n"): bytes.append(0x0A)
        case UInt8(ascii: "r"): bytes.append(0x0D)
        case UInt8(ascii: "t"): bytes.append(0x09)
        case UInt8(ascii: "u"):
            var scalarValue = UInt32(try readHex4())
            if (0xD800...0xDBFF).contains(scalarValue) {
                guard current == UInt8(ascii: "\\"), position + 1 < buffer.count, buffer[position + 1] == UInt8(ascii: "u")
                else { throw failure("unpaired surrogate in a \\u escape") }
                position += 2
                let low = UInt32(try readHex4())
                guard (0xDC00...0xDFFF).contains(low) else { throw failure("unpaired surrogate in a \\u escape") }
                scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalarValue) {
                throw failure("unpaired surrogate in a \\u escape")
            }
            guard let scalar = Unicode.Scalar(scalarValue) else { throw failure("invalid \\u escape") }
            bytes.append(contentsOf: String(Character(scalar)).utf8)
        default:
            throw failure("invalid escape '\\\(Unicode.Scalar(byte))'")
        }
    }

    private mutating func readHex4() throws(Failure) -> UInt16 {
        guard position + 4 <= buffer.count else { throw failure("unterminated \\u escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = buffer[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("invalid hex digit in a \\u escape")
            }
            value = value << 4 | UInt16(digit)
            position += 1
        }
        return value
    }

    private mutating func readNumber() throws(Failure) -> JSONValue {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        guard let first = current, first.isASCIIDigit else { throw failure("expected a digit") }
        position += 1
        if first != UInt8(ascii: "0") {
            while current?.isASCIIDigit == true { position += 1 }
        }
        var isInteger = true
        if current == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard current?.isASCIIDigit == true else { throw failure("expected a digit after the decimal point") }
            while current?.isASCIIDigit == true { position += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard current?.isASCIIDigit == true else { throw failure("expected a digit in the exponent") }
            while current?.isASCIIDigit == true { position += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<position]), as: UTF8.self)
        if isInteger, let integer = Int64(text) {
            return .integer(integer)
        }
        guard let double = Double(text), double.isFinite else {
            throw Failure(offset: start, message: "number out of range")
        }
        return .double(double)
    }
}

extension UInt8 {
    fileprivate var isASCIIDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
}
