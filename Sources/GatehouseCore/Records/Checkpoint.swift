/// A place a guard's patrol must visit.
public struct Checkpoint: Sendable, Equatable {
    public var id: String
    public var name: String?

    public init(id: String, name: String? = nil) {
        self.id = id
        self.name = name
    }

    /// Reads a `checkpoint` record's fields.
    public init(id: String, fields: RecordFields) throws(MalformedRecord) {
        self.init(id: id, name: try fields.optionalString("name"))
    }
}
