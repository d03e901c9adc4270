/// A passed training module, valid until a date.
public struct Training: Sendable, Equatable {
    public var id: String
    public var person: String
    public var module: String
    public var validUntil: Timestamp

    public init(id: String, person: String, module: String, validUntil: Timestamp) {
        self.id = id
        self.person = person
        self.module = module
        self.validUntil = validUntil
    }

    /// Reads a `training` record's fields.
    public init(id: String, fields: RecordFields) throws(MalformedRecord) {
        self.init(
            id: id,
            person: try fields.identifier("person"),
            module: try fields.identifier("module"),
            validUntil: try fields.timestamp("valid_until"))
    }
}
