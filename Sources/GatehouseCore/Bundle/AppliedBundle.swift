/// The bundle a device's cache holds now.
public struct AppliedBundle: Sendable, Equatable {
    public var version: Int64
    public var kind: BundleManifest.Kind
    public var sha256: String
    public var appliedAt: Timestamp
    public var expires: Timestamp?
    /// The manifest's `iat`: part of the clock floor (contract 7.4). Nil where not known.
    public var issuedAt: Timestamp?

    public init(version: Int64, kind: BundleManifest.Kind, sha256: String, appliedAt: Timestamp, expires: Timestamp? = nil, issuedAt: Timestamp? = nil) {
        self.version = version
        self.kind = kind
        self.sha256 = sha256
        self.appliedAt = appliedAt
        self.expires = expires
        self.issuedAt = issuedAt
    }
}
