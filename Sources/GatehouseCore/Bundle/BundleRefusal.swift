/// The stable reason codes for refusing a bundle (protocol section 5).
public enum BundleRefusalReason: String, Sendable, CaseIterable, Codable {
    case badSignature = "bad_signature"
    case unknownKey = "unknown_key"
    case wrongSite = "wrong_site"
    case rollback
    case baseMismatch = "base_mismatch"
    case hashMismatch = "hash_mismatch"
    case countMismatch = "count_mismatch"
    case emptySnapshot = "empty_snapshot"
    case malformed
    /// Two records of one type with one `id`, or two credentials with one `format` and `value`,
    /// in one snapshot or after a delta (protocol section 7.4).
    case duplicateRecord = "duplicate_record"
    /// The bundle cannot be stored in the free space of the state directory; the cache is
    /// unchanged (protocol section 7.4).
    case noSpace = "no_space"
}

/// A refused bundle: the reason code, a sentence for the administrator, and the manifest
/// when it could be read.
public struct BundleRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: BundleRefusalReason
    public var detail: String
    public var manifest: BundleManifest?

    public init(_ reason: BundleRefusalReason, _ detail: String, manifest: BundleManifest? = nil) {
        self.reason = reason
        self.detail = detail
        self.manifest = manifest
    }

    public var description: String { "\(reason.rawValue): \(detail)" }
}
