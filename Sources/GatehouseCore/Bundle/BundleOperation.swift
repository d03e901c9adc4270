/// One line of a bundle body: a `put` of a whole record or a `del` of one by type and id.
public enum BundleOperation: Sendable, Equatable {
    case put(PolicyRecord)
    case delete(RecordType, id: String)

    /// Reads one NDJSON line. Unknown members of a record are ignored, as the contract says.
    public static func decode(line: [UInt8], isKnownTimeZone: (String) -> Bool) throws(MalformedRecord) -> BundleOperation {
        try line.withUnsafeBytes { buffer in
            Result { () throws(MalformedRecord) in try decode(line: buffer, isKnownTimeZone: isKnownTimeZone) }
        }.get()
    }

    /// Reads one NDJSON line in place; the fast path for applying bundles.
    public static func decode(line: UnsafeRawBufferPointer, isKnownTimeZone: (String) -> Bool) throws(MalformedRecord) -> BundleOperation {
        let value: JSONValue
        do {
            value = try JSONReader.parse(line)
        } catch {
            throw MalformedRecord(field: "", problem: error.description)
        }
        guard case .object(let object) = value else {
            throw MalformedRecord(field: "", problem: "expected a JSON object, got \(value.kindName)")
        }
        let fields = RecordFields(object)
        let operation = try fields.string("op")
        let typeName = try fields.string("type")
        guard let type = RecordType(rawValue: typeName) else {
            throw MalformedRecord(field: "type", problem: "unknown record type \"\(typeName.prefix(40))\"; known types: \(RecordType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let id = try fields.identifier("id")
        switch operation {
        case "put": return .put(try PolicyRecord(type: type, id: id, fields: fields, isKnownTimeZone: isKnownTimeZone))
        case "del": return .delete(type, id: id)
        default: throw MalformedRecord(field: "op", problem: "expected put or del, got \"\(operation.prefix(20))\"")
        }
    }

    /// A `put` line for a record given as its wire members.
    public static func putLine(type: RecordType, id: String, members: [(key: String, value: JSONValue)]) -> String {
        JSONValue.object(JSONObject([("op", .string("put")), ("type", .string(type.rawValue)), ("id", .string(id))] + members)).serialized
    }

    /// A `del` line.
    public static func deleteLine(type: RecordType, id: String) -> String {
        JSONValue.object(JSONObject([("op", .string("del")), ("type", .string(type.rawValue)), ("id", .string(id))])).serialized
    }
}
