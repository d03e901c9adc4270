import TOMLKit

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
        do {
            let table = try TOMLTable(string: text)
            return copy(table)
        } catch let error as TOMLParseError {
            throw TOMLSyntaxError(message: error.description, line: error.source.begin.line)
        } catch {
            throw TOMLSyntaxError(message: "\(error)", line: nil)
        }
    }

    private static func copy(_ table: TOMLTable) -> [String: ConfigValue] {
        var result: [String: ConfigValue] = [:]
        for (key, value) in table {
            result[key] = copy(value)
        }
        return result
    }

    private static func copy(_ value: any TOMLValueConvertible) -> ConfigValue {
        switch value.type {
        case .table: .table(value.table.map(copy) ?? [:])
        case .array: .array(value.array.map { $0.map(copy) } ?? [])
        case .string: .string(value.string ?? "")
        case .int: .integer(value.int ?? 0)
        case .double: .double(value.double ?? 0)
        case .bool: .bool(value.bool ?? false)
        case .date, .time, .dateTime: .dateTime(value.tomlValue.debugDescription)
        }
    }
}

/// A TOML syntax error, with the line the parser reports.
public struct TOMLSyntaxError: Error, Sendable, Equatable {
    public var message: String
    public var line: Int?
}
