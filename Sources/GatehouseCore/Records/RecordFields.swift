/// Typed, validating access to the members of a record object. Every accessor throws a
/// ``MalformedRecord`` naming the field and what was expected.
public struct RecordFields: Sendable {
    let object: JSONObject
    let path: String

    public init(_ object: JSONObject, path: String = "") {
        self.object = object
        self.path = path
    }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func problem(_ key: String, _ message: String) -> MalformedRecord {
        MalformedRecord(field: fieldPath(key), problem: message)
    }

    /// The member's value, with JSON null read as absent.
    func value(_ key: String) -> JSONValue? {
        switch object[key] {
        case .none, .null?: nil
        case let value?: value
        }
    }

    func required(_ key: String) throws(MalformedRecord) -> JSONValue {
        guard let value = value(key) else { throw problem(key, "is required") }
        return value
    }

    public func string(_ key: String) throws(MalformedRecord) -> String {
        guard case .string(let string) = try required(key) else {
            throw problem(key, "expected a string, got \(try required(key).kindName)")
        }
        return string
    }

    public func optionalString(_ key: String) throws(MalformedRecord) -> String? {
        value(key) == nil ? nil : try string(key)
    }

    public func identifier(_ key: String) throws(MalformedRecord) -> String {
        let text = try string(key)
        guard Identifier.isValid(text) else {
            throw problem(key, "expected an id of 1 to 64 characters from [A-Za-z0-9._:-], got \"\(text.prefix(80))\"")
        }
        return text
    }

    public func optionalIdentifier(_ key: String) throws(MalformedRecord) -> String? {
        value(key) == nil ? nil : try identifier(key)
    }

    public func identifiers(_ key: String, nonEmpty: Bool) throws(MalformedRecord) -> [String] {
        guard case .array(let elements) = try required(key) else {
            throw problem(key, "expected an array of ids, got \(try required(key).kindName)")
        }
        if nonEmpty && elements.isEmpty { throw problem(key, "must list at least one id") }
        var ids: [String] = []
        ids.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            guard case .string(let text) = element, Identifier.isValid(text) else {
                throw MalformedRecord(field: "\(fieldPath(key))[\(index)]", problem: "expected an id of 1 to 64 characters from [A-Za-z0-9._:-]")
            }
            ids.append(text)
        }
        return ids
    }

    public func optionalIdentifiers(_ key: String) throws(MalformedRecord) -> [String] {
        value(key) == nil ? [] : try identifiers(key, nonEmpty: false)
    }

    public func enumeration<Value>(_ key: String, as type: Value.Type = Value.self) throws(MalformedRecord) -> Value
    where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
        let text = try string(key)
        guard let value = Value(rawValue: text) else {
            let allowed = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw problem(key, "expected one of \(allowed), got \"\(text.prefix(80))\"")
        }
        return value
    }

    public func timestamp(_ key: String) throws(MalformedRecord) -> Timestamp {
        let text = try string(key)
        guard let time = Timestamp(rfc3339: text) else {
            throw problem(key, "expected an RFC 3339 time such as 2026-11-21T08:15:30Z, got \"\(text.prefix(80))\"")
        }
        return time
    }

    public func optionalTimestamp(_ key: String) throws(MalformedRecord) -> Timestamp? {
        value(key) == nil ? nil : try timestamp(key)
    }

    public func bool(_ key: String) throws(MalformedRecord) -> Bool {
        guard case .bool(let flag) = try required(key) else {
            throw problem(key, "expected true or false, got \(try required(key).kindName)")
        }
        return flag
    }

    public func optionalBool(_ key: String, default fallback: Bool) throws(MalformedRecord) -> Bool {
        value(key) == nil ? fallback : try bool(key)
    }

    public func integer(_ key: String, in range: ClosedRange<Int64>) throws(MalformedRecord) -> Int64 {
        guard case .integer(let number) = try required(key) else {
            throw problem(key, "expected a whole number, got \(try required(key).kindName)")
        }
        guard range.contains(number) else {
            throw problem(key, "expected a whole number from \(range.lowerBound) to \(range.upperBound), got \(number)")
        }
        return number
    }

    public func optionalInteger(_ key: String, in range: ClosedRange<Int64>) throws(MalformedRecord) -> Int64? {
        value(key) == nil ? nil : try integer(key, in: range)
    }

    public func optionalObject(_ key: String) throws(MalformedRecord) -> RecordFields? {
        guard let value = value(key) else { return nil }
        guard case .object(let object) = value else { throw problem(key, "expected an object, got \(value.kindName)") }
        return RecordFields(object, path: fieldPath(key))
    }

    /// The elements of an array of objects, each with its own path (`windows[2]`).
    public func objects(_ key: String) throws(MalformedRecord) -> [RecordFields] {
        guard case .array(let elements) = try required(key) else {
            throw problem(key, "expected an array of objects, got \(try required(key).kindName)")
        }
        var result: [RecordFields] = []
        for (index, element) in elements.enumerated() {
            guard case .object(let object) = element else {
                throw MalformedRecord(field: "\(fieldPath(key))[\(index)]", problem: "expected an object, got \(element.kindName)")
            }
            result.append(RecordFields(object, path: "\(fieldPath(key))[\(index)]"))
        }
        return result
    }

    /// Checks that `from` is not after `until` when both are given.
    public func validityWindow(from: Timestamp?, until: Timestamp?, fromKey: String = "valid_from", untilKey: String = "valid_until") throws(MalformedRecord) {
        if let from, let until, until < from {
            throw problem(untilKey, "ends before `\(fromKey)`")
        }
    }
}
