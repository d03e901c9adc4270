/// A visitor invite: the authority behind the visitor's QR tokens.
public struct Invite: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case visitor, contractor, delivery }
    public enum Status: String, Sendable, CaseIterable { case invited, cancelled }

    public var id: String
    public var kind: Kind
    public var label: String?
    /// The host's person id.
    public var host: String
    public var zones: [String]
    public var validFrom: Timestamp
    public var validUntil: Timestamp
    public var ndaSigned: Bool
    public var maxEntries: Int64
    public var status: Status

    public init(id: String, kind: Kind, label: String? = nil, host: String, zones: [String], validFrom: Timestamp, validUntil: Timestamp, ndaSigned: Bool, maxEntries: Int64 = 1, status: Status = .invited) {
        self.id = id
        self.kind = kind
        self.label = label
        self.host = host
        self.zones = zones
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.ndaSigned = ndaSigned
        self.maxEntries = maxEntries
        self.status = status
    }

    /// Reads an `invite` record's fields; `max_entries` defaults to 1.
    public init(id: String, fields: RecordFields) throws(MalformedRecord) {
        self.init(
            id: id,
            kind: try fields.enumeration("kind"),
            label: try fields.optionalString("label"),
            host: try fields.identifier("host"),
            zones: try fields.identifiers("zones", nonEmpty: true),
            validFrom: try fields.timestamp("valid_from"),
            validUntil: try fields.timestamp("valid_until"),
            ndaSigned: try fields.bool("nda_signed"),
            maxEntries: try fields.optionalInteger("max_entries", in: 1...1_000_000) ?? 1,
            status: try fields.enumeration("status"))
        try fields.validityWindow(from: validFrom, until: validUntil)
    }
}
