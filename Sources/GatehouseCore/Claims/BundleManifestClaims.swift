import JWTKit

/// The claims of a bundle manifest JWT, as they travel.
public struct BundleManifestClaims: JWTPayload, Equatable {
    /// The `bundle` object of the manifest.
    public struct Body: Codable, Sendable, Equatable {
        public var version: Int64
        public var kind: BundleManifest.Kind
        public var base: Int64?
        public var sha256: String
        public var bytes: Int64
        public var records: Int64
        public var encoding: BundleManifest.Encoding
        public var expires: Double?
        public var devices: [String]?
        public var allowEmpty: Bool?

        enum CodingKeys: String, CodingKey {
            case version, kind, base, sha256, bytes, records, encoding, expires, devices
            case allowEmpty = "allow_empty"
        }

        public init(version: Int64, kind: BundleManifest.Kind, base: Int64?, sha256: String, bytes: Int64, records: Int64, encoding: BundleManifest.Encoding, expires: Double? = nil, devices: [String]? = nil, allowEmpty: Bool? = nil) {
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
        }
    }

    public var aud: Audience
    public var iat: Double
    public var iss: String?
    public var bundle: Body

    public init(aud: Audience, iat: Double, iss: String?, bundle: Body) {
        self.aud = aud
        self.iat = iat
        self.iss = iss
        self.bundle = bundle
    }

    /// Claims are checked by ``BundleAdmission``, which knows the device's state.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}
