import GatehouseCore

/// What `gatehouse bundle build` is asked to make.
public struct BundleBuildRequest: Sendable {
    public var site: String
    public var version: Int64
    public var kind: BundleManifest.Kind
    public var base: Int64?
    public var gzip: Bool
    public var expires: Timestamp?
    public var devices: [String]?
    public var allowEmpty: Bool
    public var issuer: String?
    /// Keep fields (and CSV columns) the contract does not define, instead of refusing them:
    /// for deliberate extensions, which devices ignore.
    public var allowUnknownFields: Bool
    /// JSON Lines files (`.jsonl`, `.ndjson`) and CSV files (`.csv`), in order.
    public var inputs: [String]
    /// The site's PIN key, for the people CSV's `pin` and `duress_pin` columns.
    public var pinKey: PINKey?

    public init(site: String, version: Int64, kind: BundleManifest.Kind = .snapshot, base: Int64? = nil, gzip: Bool = false, expires: Timestamp? = nil, devices: [String]? = nil, allowEmpty: Bool = false, issuer: String? = nil, allowUnknownFields: Bool = false, inputs: [String]) {
        self.site = site
        self.version = version
        self.kind = kind
        self.base = base
        self.gzip = gzip
        self.expires = expires
        self.devices = devices
        self.allowEmpty = allowEmpty
        self.issuer = issuer
        self.allowUnknownFields = allowUnknownFields
        self.inputs = inputs
    }
}
