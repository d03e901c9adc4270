/// What a bundle's signed first line says about its body (protocol section 3).
public struct BundleManifest: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable, Codable { case snapshot, delta }
    public enum Encoding: String, Sendable, CaseIterable, Codable {
        case ndjson
        case ndjsonGzip = "ndjson+gzip"
    }

    /// The site id (`aud`).
    public var site: String
    public var issuedAt: Timestamp
    public var issuer: String?
    public var version: Int64
    public var kind: Kind
    /// For a delta, the version it applies on.
    public var base: Int64?
    /// Lowercase hex SHA-256 of the body bytes as sent.
    public var sha256: String
    public var bytes: Int64
    public var records: Int64
    public var encoding: Encoding
    public var expires: Timestamp?
    /// The devices it is for; nil means every device of the site.
    public var devices: [String]?
    public var allowEmpty: Bool
    /// The id of the key that signed it.
    public var keyID: String

    public init(site: String, issuedAt: Timestamp, issuer: String? = nil, version: Int64, kind: Kind, base: Int64? = nil, sha256: String, bytes: Int64, records: Int64, encoding: Encoding, expires: Timestamp? = nil, devices: [String]? = nil, allowEmpty: Bool = false, keyID: String) {
        self.site = site
        self.issuedAt = issuedAt
        self.issuer = issuer
        self.version = version
        self.kind = kind
        self.base = base
        self.sha256 = sha256
        self.bytes = bytes
        self.records = records
        self.encoding = encoding
        self.expires = expires
        self.devices = devices
        self.allowEmpty = allowEmpty
        self.keyID = keyID
    }
}
