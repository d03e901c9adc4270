/// Permission for a person to enter zones, optionally on a schedule and within a window.
public struct Grant: Sendable, Equatable {
    public var id: String
    public var person: String
    public var zones: [String]
    public var schedule: String?
    public var validFrom: Timestamp?
    public var validUntil: Timestamp?

    public init(id: String, person: String, zones: [String], schedule: String? = nil, validFrom: Timestamp? = nil, validUntil: Timestamp? = nil) {
        self.id = id
        self.person = person
        self.zones = zones
        self.schedule = schedule
        self.validFrom = validFrom
        self.validUntil = validUntil
    }

    /// Reads a `grant` record's fields.
    public init(id: String, fields: RecordFields) throws(MalformedRecord) {
        self.init(
            id: id,
            person: try fields.identifier("person"),
            zones: try fields.identifiers("zones", nonEmpty: true),
            schedule: try fields.optionalIdentifier("schedule"),
            validFrom: try fields.optionalTimestamp("valid_from"),
            validUntil: try fields.optionalTimestamp("valid_until"))
        try fields.validityWindow(from: validFrom, until: validUntil)
    }
}
