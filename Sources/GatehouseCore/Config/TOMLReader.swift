/// Reads a TOML 1.0 document (https://toml.io/en/v1.0.0) into plain values.
///
/// Written for the daemon's two small files, `gatehouse.toml` and the secrets file: pure Swift,
/// nothing allocated outside Swift (the C++ parser it replaces leaked every document it read),
/// every error with the line it is on, nesting bounded. The `toml` fuzz harness checks it
/// against toml++ on the same inputs.
struct TOMLReader {
    /// Arrays and inline tables nested deeper than this are refused, so no input can exhaust the stack.
    static let maximumDepth = 64

    let bytes: [UInt8]
    var position = 0
    private let root = TOMLTableNode(.header)
    private var current: TOMLTableNode

    private init(_ text: String) {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        self.bytes = bytes
        current = root
    }

    /// Reads `text`; throws the first syntax error with its line.
    static func read(_ text: String) throws(TOMLSyntaxError) -> [String: ConfigValue] {
        var reader = TOMLReader(text)
        try reader.document()
        return reader.root.value
    }

    // MARK: - Lines

    private mutating func document() throws(TOMLSyntaxError) {
        while true {
            skipWhitespace()
            guard let byte = peek() else { return }
            switch byte {
            case UInt8(ascii: "["): try header()
            case UInt8(ascii: "#"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): try endOfLine()
            default:
                try keyValue(into: current, depth: 0)
                try endOfLine(after: "a value")
            }
        }
    }

    /// Whitespace, an optional comment, then a newline or the end of the document.
    mutating func endOfLine(after what: String? = nil) throws(TOMLSyntaxError) {
        skipWhitespace()
        if peek() == UInt8(ascii: "#") { try comment() }
        guard let byte = peek() else { return }
        if byte == UInt8(ascii: "\n") {
            position += 1
        } else if byte == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") {
            position += 2
        } else if byte == UInt8(ascii: "\r") {
            throw error("a carriage return without a line feed")
        } else {
            throw error(what.map { "expected the end of the line after \($0), found \(describe(byte))" } ?? "unexpected \(describe(byte))")
        }
    }

    /// A comment up to (not including) its newline; control characters other than tab are refused.
    mutating func comment() throws(TOMLSyntaxError) {
        position += 1
        while let byte = peek(), byte != UInt8(ascii: "\n") {
            if byte == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") { return }
            if Self.isControl(byte) { throw error("a control character (\(describe(byte))) in a comment") }
            position += 1
        }
    }

    // MARK: - Tables

    private mutating func header() throws(TOMLSyntaxError) {
        position += 1
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { position += 1 }
        skipWhitespace()
        let path = try keyPath()
        skipWhitespace()
        let closing = isArray ? "]]" : "]"
        guard peek() == UInt8(ascii: "]"), !isArray || peek(1) == UInt8(ascii: "]") else {
            throw error("expected '\(closing)' to close the table header [\(Self.name(path))]")
        }
        position += isArray ? 2 : 1
        current = isArray ? try openArrayTable(path) : try openTable(path)
        try endOfLine(after: "a table header")
    }

    /// The table a header's leading keys lead to, made implicitly where missing.
    private func parent(_ path: [String]) throws(TOMLSyntaxError) -> TOMLTableNode {
        var table = root
        for (index, key) in path.dropLast().enumerated() {
            switch table.entries[key] {
            case nil:
                let node = TOMLTableNode(.implicit)
                table.entries[key] = .table(node)
                table = node
            case .table(let node): table = node
            case .tables(let nodes): table = nodes[nodes.count - 1]
            case .value: throw error("\(Self.name(path.prefix(index + 1))) is already a value, not a table")
            }
        }
        return table
    }

    private func openTable(_ path: [String]) throws(TOMLSyntaxError) -> TOMLTableNode {
        let table = try parent(path)
        let key = path[path.count - 1]
        switch table.entries[key] {
        case nil:
            let node = TOMLTableNode(.header)
            table.entries[key] = .table(node)
            return node
        case .table(let node) where node.origin == .implicit:
            node.origin = .header
            return node
        case .table(let node) where node.origin == .dotted:
            throw error("the table [\(Self.name(path))] was already defined by dotted keys")
        case .table: throw error("the table [\(Self.name(path))] is defined twice")
        case .tables: throw error("[\(Self.name(path))] is already an array of tables")
        case .value: throw error("\(Self.name(path)) is already a value, not a table")
        }
    }

    private func openArrayTable(_ path: [String]) throws(TOMLSyntaxError) -> TOMLTableNode {
        let table = try parent(path)
        let key = path[path.count - 1]
        let node = TOMLTableNode(.header)
        switch table.entries[key] {
        case nil: table.entries[key] = .tables([node])
        case .tables(let nodes): table.entries[key] = .tables(nodes + [node])
        case .table: throw error("[[\(Self.name(path))]] is already a table, not an array of tables")
        case .value: throw error("\(Self.name(path)) is already a value, not an array of tables")
        }
        return node
    }

    // MARK: - Keys and values

    /// `key = value`, the key possibly dotted, into `table`.
    mutating func keyValue(into table: TOMLTableNode, depth: Int) throws(TOMLSyntaxError) {
        let path = try keyPath()
        skipWhitespace()
        guard peek() == UInt8(ascii: "=") else {
            throw error("expected '=' after the key \(Self.name(path))")
        }
        position += 1
        skipWhitespace()
        let value = try value(depth: depth)
        var target = table
        for (index, key) in path.dropLast().enumerated() {
            switch target.entries[key] {
            case nil:
                let node = TOMLTableNode(.dotted)
                target.entries[key] = .table(node)
                target = node
            case .table(let node) where node.origin == .dotted: target = node
            case .table: throw error("the table \(Self.name(path.prefix(index + 1))) was defined by a header; dotted keys cannot add to it")
            case .tables: throw error("\(Self.name(path.prefix(index + 1))) is an array of tables; dotted keys cannot add to it")
            case .value: throw error("\(Self.name(path.prefix(index + 1))) is already a value, not a table")
            }
        }
        let key = path[path.count - 1]
        guard target.entries[key] == nil else { throw error("the key \(Self.name(path)) is defined twice") }
        target.entries[key] = .value(value)
    }

    /// One or more simple keys joined by dots.
    mutating func keyPath() throws(TOMLSyntaxError) -> [String] {
        var path = [try simpleKey()]
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: ".") else { return path }
            position += 1
            skipWhitespace()
            path.append(try simpleKey())
        }
    }

    private mutating func simpleKey() throws(TOMLSyntaxError) -> String {
        switch peek() {
        case UInt8(ascii: "\""):
            if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") { throw error("a key cannot be a multi-line string") }
            return try basicString()
        case UInt8(ascii: "'"):
            if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") { throw error("a key cannot be a multi-line string") }
            return try literalString()
        default:
            let start = position
            while let byte = peek(), Self.isBareKey(byte) { position += 1 }
            guard position > start else {
                throw error(peek().map { "expected a key, found \(describe($0))" } ?? "expected a key at the end of the document")
            }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }
    }

    /// A value: string, number, boolean, date-time, array or inline table.
    mutating func value(depth: Int) throws(TOMLSyntaxError) -> ConfigValue {
        guard depth < Self.maximumDepth else { throw error("arrays or inline tables nested more than \(Self.maximumDepth) deep") }
        guard let byte = peek() else { throw error("expected a value at the end of the document") }
        switch byte {
        case UInt8(ascii: "\""):
            return .string(peek(1) == byte && peek(2) == byte ? try multilineBasicString() : try basicString())
        case UInt8(ascii: "'"):
            return .string(peek(1) == byte && peek(2) == byte ? try multilineLiteralString() : try literalString())
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            for word in ["true", "false"] where bytes[position...].starts(with: word.utf8) {
                position += word.utf8.count
                return .bool(word == "true")
            }
            throw error("expected a value, found \(describe(byte))")
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "{"): return try inlineTable(depth: depth)
        default: return try scalar()
        }
    }

    private mutating func array(depth: Int) throws(TOMLSyntaxError) -> ConfigValue {
        position += 1
        var items: [ConfigValue] = []
        while true {
            try skipBlankLines()
            if peek() == UInt8(ascii: "]") {
                position += 1
                return .array(items)
            }
            items.append(try value(depth: depth + 1))
            try skipBlankLines()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return .array(items)
            case let other: throw error("expected ',' or ']' in an array, found \(other.map(describe) ?? "the end of the document")")
            }
        }
    }

    private mutating func inlineTable(depth: Int) throws(TOMLSyntaxError) -> ConfigValue {
        position += 1
        let table = TOMLTableNode(.dotted)
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            return .table([:])
        }
        while true {
            skipWhitespace()
            try keyValue(into: table, depth: depth + 1)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return .table(table.value)
            case let other: throw error("expected ',' or '}' in an inline table (on one line), found \(other.map(describe) ?? "the end of the document")")
            }
        }
    }

    // MARK: - Characters

    func peek(_ offset: Int = 0) -> UInt8? {
        position + offset < bytes.count ? bytes[position + offset] : nil
    }

    mutating func skipWhitespace() {
        while let byte = peek(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { position += 1 }
    }

    /// Inside an array: whitespace, comments and newlines.
    private mutating func skipBlankLines() throws(TOMLSyntaxError) {
        while true {
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: "#"): try comment()
            case UInt8(ascii: "\n"): position += 1
            case UInt8(ascii: "\r") where peek(1) == UInt8(ascii: "\n"): position += 2
            default: return
            }
        }
    }

    static func isBareKey(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default: false
        }
    }

    /// U+0000 to U+001F except tab, and U+007F.
    static func isControl(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != UInt8(ascii: "\t")) || byte == 0x7F
    }

    func describe(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "\n"): "a newline"
        case 0x21...0x7E: "'\(Character(Unicode.Scalar(byte)))'"
        default: "byte 0x\(String(byte, radix: 16, uppercase: true))"
        }
    }

    static func name(_ path: some Sequence<String>) -> String {
        path.map { key in key.utf8.allSatisfy(isBareKey) && !key.isEmpty ? key : "\"\(key)\"" }.joined(separator: ".")
    }

    /// An error at the current position, with its line.
    func error(_ message: String) -> TOMLSyntaxError {
        let end = min(position, bytes.count)
        let line = 1 + bytes[..<end].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        return TOMLSyntaxError(message: message, line: line)
    }
}

/// A table while a document is read. Later headers open tables again, so they are shared, not copied.
final class TOMLTableNode {
    /// How the table came to be: its rules for being opened again differ.
    enum Origin { case header, implicit, dotted }

    var origin: Origin
    var entries: [String: Entry] = [:]

    init(_ origin: Origin) { self.origin = origin }

    /// One key's content.
    enum Entry {
        case value(ConfigValue)
        case table(TOMLTableNode)
        case tables([TOMLTableNode])
    }

    /// The table as plain values.
    var value: [String: ConfigValue] {
        entries.mapValues { entry in
            switch entry {
            case .value(let value): value
            case .table(let node): .table(node.value)
            case .tables(let nodes): .array(nodes.map { .table($0.value) })
            }
        }
    }
}
