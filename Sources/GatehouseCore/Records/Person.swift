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
    /// The PIN as HMAC-SHA256 under the site's PIN key, lowercase hex (contract 7.2); never the digits.
    public var pin: String?
    /// The duress PIN, hashed the same way: it grants and raises `alarm.duress`.
    public var duressPin: String?

    public init(
        id: String, kind: Kind, roles: [String] = [], status: Status = .active, validFrom: Timestamp? = nil, validUntil: Timestamp? = nil, label: String? = nil,
        pin: String? = nil, duressPin: String? = nil
    ) {
        self.pin = pin
        self.duressPin = duressPin
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
            label: try fields.optionalString("label"),
            pin: try Self.pinHash(fields, "pin"),
            duressPin: try Self.pinHash(fields, "duress_pin"))
        try fields.validityWindow(from: validFrom, until: validUntil)
        if let pin, pin == duressPin { throw MalformedRecord(field: "duress_pin", problem: "the duress PIN is the PIN: it must differ") }
    }

    /// A keyed PIN hash: 64 lowercase hex digits.
    private static func pinHash(_ fields: RecordFields, _ name: String) throws(MalformedRecord) -> String? {
        guard let text = try fields.optionalString(name) else { return nil }
        guard text.utf8.count == 64, text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw MalformedRecord(field: name, problem: "expected HMAC-SHA256 as 64 lowercase hex digits (contract 7.2), never the digits themselves")
        }
        return text
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
        if let pin { members.append(("pin", .string(pin))) }
        if let duressPin { members.append(("duress_pin", .string(duressPin))) }
        return members
    }
}
