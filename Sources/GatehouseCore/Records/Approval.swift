/// A restricted-area approval: one person, one zone, a window, and who approved it.
public struct Approval: Sendable, Equatable {
    public var id: String
    public var person: String
    public var zone: String
    public var validFrom: Timestamp
    public var validUntil: Timestamp
    public var approvedBy: String
    public var reference: String?

    public init(id: String, person: String, zone: String, validFrom: Timestamp, validUntil: Timestamp, approvedBy: String, reference: String? = nil) {
        self.id = id
        self.person = person
        self.zone = zone
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.approvedBy = approvedBy
        self.reference = reference
    }

    /// Reads an `approval` record's fields.
    public init(id: String, fields: RecordFields) throws(MalformedRecord) {
        self.init(
            id: id,
            person: try fields.identifier("person"),
            zone: try fields.identifier("zone"),
            validFrom: try fields.timestamp("valid_from"),
            validUntil: try fields.timestamp("valid_until"),
            approvedBy: try fields.string("approved_by"),
            reference: try fields.optionalString("ref"))
        try fields.validityWindow(from: validFrom, until: validUntil)
    }
}
