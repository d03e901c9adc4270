/// A badge UID, a card number or a static code that identifies a person at a reader.
public struct Credential: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable {
        /// An NFC/RFID UID: uppercase hex, no separators, every byte with its leading zero.
        case uid
        /// A static QR or barcode payload.
        case code
        /// A card number from a Wiegand or OSDP reader (contract 7.1), canonical (``CardNumber``).
        case card
    }
    public enum Status: String, Sendable, CaseIterable { case active, lost, revoked }

    /// The longest `code` value accepted: a QR code holds at most 4,296 characters.
    public static let maximumCodeLength = 4296

    public var id: String
    public var person: String
    public var format: Format
    public var value: String
    public var status: Status
    public var validFrom: Timestamp?
    public var validUntil: Timestamp?

    public init(id: String, person: String, format: Format, value: String, status: Status = .active, validFrom: Timestamp? = nil, validUntil: Timestamp? = nil) {
        self.id = id
        self.person = person
        self.format = format
        self.value = value
        self.status = status
        self.validFrom = validFrom
        self.validUntil = validUntil
    }

    /// Reads a `credential` record's fields; a `uid` value must already be normalised.
    public init(id: String, fields: RecordFields) throws(MalformedRecord) {
        self.init(
            id: id,
            person: try fields.identifier("person"),
            format: try fields.enumeration("format"),
            value: try fields.string("value"),
            status: try fields.enumeration("status"),
            validFrom: try fields.optionalTimestamp("valid_from"),
            validUntil: try fields.optionalTimestamp("valid_until"))
        switch format {
        case .uid:
            guard BadgeUID.isNormalized(value) else {
                throw MalformedRecord(field: "value", problem: "expected a UID as uppercase hex without separators, 4 to 20 bytes")
            }
        case .card:
            guard CardNumber.isNormalized(value) else {
                throw MalformedRecord(field: "value", problem: "expected a card number as \"{facility}:{number}\" or \"{number}\" in decimal without leading zeros, or \"raw:{bits}:{HEX}\"")
            }
        case .code:
            guard !value.isEmpty, value.utf8.count <= Self.maximumCodeLength else {
                throw MalformedRecord(field: "value", problem: "expected a code of 1 to \(Self.maximumCodeLength) bytes")
            }
        }
        try fields.validityWindow(from: validFrom, until: validUntil)
    }

    /// The record's members as the wire contract writes them, without `op`, `type` and `id`.
    public var wireMembers: [(key: String, value: JSONValue)] {
        var members: [(key: String, value: JSONValue)] = [
            ("person", .string(person)),
            ("format", .string(format.rawValue)),
            ("value", .string(value)),
            ("status", .string(status.rawValue)),
        ]
        if let validFrom { members.append(("valid_from", .string(validFrom.rfc3339))) }
        if let validUntil { members.append(("valid_until", .string(validUntil.rfc3339))) }
        return members
    }
}
