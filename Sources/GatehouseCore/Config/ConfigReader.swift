/// Reads one table of a configuration, collecting a ``ConfigProblem`` for every bad or unknown
/// key instead of stopping at the first.
final class ConfigReader {
    let file: String
    private(set) var problems: [ConfigProblem] = []

    init(file: String) {
        self.file = file
    }

    func report(_ key: String, _ message: String) {
        problems.append(ConfigProblem(file: file, key: key, message: message))
    }

    /// A view of one table at a dotted path.
    func table(_ values: [String: ConfigValue], at path: String) -> Table {
        Table(reader: self, values: values, path: path)
    }

    struct Table {
        let reader: ConfigReader
        let values: [String: ConfigValue]
        let path: String

        func key(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

        /// Reports every key not in `known`, naming the keys that are.
        func rejectUnknownKeys(_ known: Set<String>) {
            for name in values.keys.sorted() where !known.contains(name) {
                reader.report(key(name), "unknown key (expected one of: \(known.sorted().joined(separator: ", ")))")
            }
        }

        func string(_ name: String, default fallback: String? = nil) -> String? {
            switch values[name] {
            case .string(let text)?: return text
            case nil:
                if fallback == nil { reader.report(key(name), "is required (expected a string)") }
                return fallback
            case let other?:
                reader.report(key(name), "expected a string, got \(other.typeName)")
                return fallback
            }
        }

        func optionalString(_ name: String) -> String? {
            values[name] == nil ? nil : string(name)
        }

        func identifier(_ name: String, default fallback: String? = nil) -> String? {
            guard let text = string(name, default: fallback) else { return nil }
            guard Identifier.isValid(text) else {
                reader.report(key(name), "expected an id of 1 to 64 characters from [A-Za-z0-9._:-], got \"\(text)\"")
                return nil
            }
            return text
        }

        func optionalIdentifier(_ name: String) -> String? {
            values[name] == nil ? nil : identifier(name)
        }

        func integer(_ name: String, default fallback: Int? = nil, in range: ClosedRange<Int>) -> Int? {
            switch values[name] {
            case .integer(let number)?:
                guard range.contains(number) else {
                    reader.report(key(name), "expected an integer from \(range.lowerBound) to \(range.upperBound), got \(number)")
                    return fallback
                }
                return number
            case nil:
                if fallback == nil { reader.report(key(name), "is required (expected an integer)") }
                return fallback
            case let other?:
                reader.report(key(name), "expected an integer, got \(other.typeName)")
                return fallback
            }
        }

        func optionalInteger(_ name: String, in range: ClosedRange<Int>) -> Int? {
            values[name] == nil ? nil : integer(name, in: range)
        }

        func bool(_ name: String, default fallback: Bool) -> Bool {
            switch values[name] {
            case .bool(let flag)?: return flag
            case nil: return fallback
            case let other?:
                reader.report(key(name), "expected true or false, got \(other.typeName)")
                return fallback
            }
        }

        func choice<Value>(_ name: String, default fallback: Value? = nil) -> Value?
        where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
            guard let text = string(name, default: fallback?.rawValue) else { return nil }
            guard let value = Value(rawValue: text) else {
                reader.report(key(name), "expected one of \(Value.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")), got \"\(text)\"")
                return fallback
            }
            return value
        }

        /// A sub-table; nil (reported) when the key holds something else.
        func subtable(_ name: String, required: Bool = false) -> Table? {
            switch values[name] {
            case .table(let inner)?: return Table(reader: reader, values: inner, path: key(name))
            case nil:
                if required { reader.report(key(name), "is required (expected a table [\(key(name))])") }
                return nil
            case let other?:
                reader.report(key(name), "expected a table, got \(other.typeName)")
                return nil
            }
        }

        /// The sub-tables of a table of named tables (`[doors.gate]`), sorted by name; names
        /// must be ids.
        func namedTables(_ name: String) -> [(name: String, table: Table)] {
            guard let outer = subtable(name) else { return [] }
            var result: [(name: String, table: Table)] = []
            for (inner, value) in outer.values.sorted(by: { $0.key < $1.key }) {
                guard case .table(let values) = value else {
                    reader.report(outer.key(inner), "expected a table [\(outer.key(inner))], got \(value.typeName)")
                    continue
                }
                guard Identifier.isValid(inner) else {
                    reader.report(outer.key(inner), "the name must be an id of 1 to 64 characters from [A-Za-z0-9._:-]")
                    continue
                }
                result.append((inner, Table(reader: reader, values: values, path: outer.key(inner))))
            }
            return result
        }
    }
}
