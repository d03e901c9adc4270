/// Typed reads of a member, for the code that reads replies and payloads: nil when the member
/// is missing or of another kind.
extension JSONObject {
    public func string(_ key: String) -> String? {
        if case .string(let value)? = self[key] { value } else { nil }
    }

    public func integer(_ key: String) -> Int64? {
        if case .integer(let value)? = self[key] { value } else { nil }
    }

    public func bool(_ key: String) -> Bool? {
        if case .bool(let value)? = self[key] { value } else { nil }
    }

    public func object(_ key: String) -> JSONObject? {
        if case .object(let value)? = self[key] { value } else { nil }
    }

    /// The objects of an array member, skipping anything else in it.
    public func objects(_ key: String) -> [JSONObject] {
        guard case .array(let values)? = self[key] else { return [] }
        return values.compactMap { if case .object(let value) = $0 { value } else { nil } }
    }
}
