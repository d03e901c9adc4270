/// A work permit naming people, a zone and a window.
public struct Permit: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable { case approved, active, suspended, closed }

    public var id: String
    public var persons: [String]
    public var zone: String
    public var validFrom: Timestamp
    public var validUntil: Timestamp
    public var status: Status
    public var reference: String
    public var risk: String?

    public init(id: String, persons: [String], zone: String, validFrom: Timestamp, validUntil: Timestamp, status: Status, reference: String, risk: String? = nil) {
        self.id = id
        self.persons = persons
        self.zone = zone
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.status = status
        self.reference = reference
        self.risk = risk
    }

    /// Reads a `permit` record's fields.
    public init(id: String, fields: RecordFields) throws(MalformedRecord) {
        self.init(
            id: id,
            persons: try fields.identifiers("persons", nonEmpty: true),
            zone: try fields.identifier("zone"),
            validFrom: try fields.timestamp("valid_from"),
            validUntil: try fields.timestamp("valid_until"),
            status: try fields.enumeration("status"),
            reference: try fields.string("ref"),
            risk: try fields.optionalString("risk"))
        try fields.validityWindow(from: validFrom, until: validUntil)
    }
}
