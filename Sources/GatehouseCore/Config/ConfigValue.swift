/// A TOML value, copied out of the parser into plain Swift values.
public indirect enum ConfigValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case double(Double)
    case bool(Bool)
    case array([ConfigValue])
    case table([String: ConfigValue])
    /// A TOML date, time or date-time, kept as written.
    case dateTime(String)

    /// The TOML type name, for error messages.
    public var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .double: "a number"
        case .bool: "a boolean"
        case .array: "an array"
        case .table: "a table"
        case .dateTime: "a date-time"
        }
    }

    /// Parses a TOML document into a table.
    public static func parseTOML(_ text: String) throws(TOMLSyntaxError) -> [String: ConfigValue] {
        try TOMLReader.read(text)
    }
}

/// A TOML syntax error, with the line the parser reports.
public struct TOMLSyntaxError: Error, Sendable, Equatable {
    public var message: String
    public var line: Int?
}
