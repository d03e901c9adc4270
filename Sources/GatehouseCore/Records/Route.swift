/// A patrol route: checkpoints in order, due every `everySeconds` within its schedule.
public struct Route: Sendable, Equatable {
    public var id: String
    public var name: String?
    public var checkpoints: [String]
    public var everySeconds: Int64
    public var graceSeconds: Int64
    public var schedule: String?

    public init(id: String, name: String? = nil, checkpoints: [String], everySeconds: Int64, graceSeconds: Int64, schedule: String? = nil) {
        self.id = id
        self.name = name
        self.checkpoints = checkpoints
        self.everySeconds = everySeconds
        self.graceSeconds = graceSeconds
        self.schedule = schedule
    }

    /// Reads a `route` record's fields.
    public init(id: String, fields: RecordFields) throws(MalformedRecord) {
        self.init(
            id: id,
            name: try fields.optionalString("name"),
            checkpoints: try fields.identifiers("checkpoints", nonEmpty: true),
            everySeconds: try fields.integer("every_s", in: 1...31_536_000),
            graceSeconds: try fields.integer("grace_s", in: 0...31_536_000),
            schedule: try fields.optionalIdentifier("schedule"))
    }
}
