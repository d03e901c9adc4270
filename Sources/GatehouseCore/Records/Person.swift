/// Someone who may pass: an employee, contractor, visitor or delivery driver.
public struct Person: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case employee, contractor, visitor, delivery }
    public enum Status: String, Sendable, CaseIterable { case active, suspended, revoked }

    public var id: String
    public var kind: Kind
    /// Role ids such as `guard`, `responder`, `escort`, `security_manager`.
    public var roles: [String]
    public var status: Status
    public var validFrom: Timestamp?
    public var validUntil: Timestamp?
    public var label: String?

    public init(id: String, kind: Kind, roles: [String] = [], status: Status = .active, validFrom: Timestamp? = nil, validUntil: Timestamp? = nil, label: String? = nil) {
        self.id = id
        self.kind = kind
        self.roles = roles
        self.status = status
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.label = label
    }

    /// Reads a `person` record's fields.
    public init(id: String, fields: RecordFields) throws(MalformedRecord) {
        self.init(
            id: id,
            kind: try fields.enumeration("kind"),
            roles: try fields.optionalIdentifiers("roles"),
            status: try fields.enumeration("status"),
            validFrom: try fields.optionalTimestamp("valid_from"),
            validUntil: try fields.optionalTimestamp("valid_until"),
            label: try fields.optionalString("label"))
        try fields.validityWindow(from: validFrom, until: validUntil)
    }

    /// The record's members as the wire contract writes them, without `op`, `type` and `id`.
    public var wireMembers: [(key: String, value: JSONValue)] {
        var members: [(key: String, value: JSONValue)] = [
            ("kind", .string(kind.rawValue)),
            ("roles", .array(roles.map(JSONValue.string))),
            ("status", .string(status.rawValue)),
        ]
        if let validFrom { members.append(("valid_from", .string(validFrom.rfc3339))) }
        if let validUntil { members.append(("valid_until", .string(validUntil.rfc3339))) }
        if let label { members.append(("label", .string(label))) }
        return members
    }
}
