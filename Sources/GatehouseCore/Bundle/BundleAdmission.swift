/// Decides, from a bundle's manifest line alone, whether a device takes the bundle: the
/// signature, site, device list, version and base rules of protocol section 3. The body's
/// hash, length, count and records are checked while it streams (``BundleBodyCheck``).
public enum BundleAdmission {
    /// What to do with a bundle whose manifest passed.
    public enum Plan: Sendable, Equatable {
        /// Apply the body.
        case apply(BundleManifest)
        /// The same version with the same hash is already applied: acknowledge, change nothing.
        case noop(BundleManifest)
    }

    /// Where the device stands when a bundle arrives.
    public struct Context: Sendable {
        public var site: String
        public var device: String
        public var applied: AppliedBundle?

        public init(site: String, device: String, applied: AppliedBundle?) {
            self.site = site
            self.device = device
            self.applied = applied
        }
    }

    /// Checks the manifest line (without its `\n`) against the trust set and the device.
    public static func admit(manifestLine: some StringProtocol, trust: TrustSet, context: Context) -> Result<Plan, BundleRefusal> {
        precondition(trust.purpose == .bundle, "bundles are verified with bundle keys only")
        let claims: BundleManifestClaims
        let kid: String
        switch trust.verify(manifestLine, as: BundleManifestClaims.self) {
        case .success(let verified): (claims, kid) = verified
        case .failure(.malformed(let why)): return .failure(BundleRefusal(.malformed, "the manifest is not a valid JWT: \(why)"))
        case .failure(.unknownKey(let kid)):
            return .failure(BundleRefusal(.unknownKey, kid.map { "no bundle key \"\($0)\" is trusted" } ?? "the manifest names no key (kid)"))
        case .failure(let failure): return .failure(BundleRefusal(.badSignature, failure.description))
        }
        let manifest: BundleManifest
        switch makeManifest(claims, kid: kid) {
        case .success(let made): manifest = made
        case .failure(let refusal): return .failure(refusal)
        }
        return check(manifest, context: context).map { $0 }
    }

    /// The version, base, site and device rules, for a manifest whose signature verified.
    public static func check(_ manifest: BundleManifest, context: Context) -> Result<Plan, BundleRefusal> {
        func refuse(_ reason: BundleRefusalReason, _ detail: String) -> Result<Plan, BundleRefusal> {
            .failure(BundleRefusal(reason, detail, manifest: manifest))
        }
        guard manifest.site == context.site else {
            return refuse(.wrongSite, "the bundle is for site \"\(manifest.site)\", this device is in \"\(context.site)\"")
        }
        if let devices = manifest.devices, !devices.contains(context.device) {
            return refuse(.wrongSite, "the bundle is for devices \(devices.joined(separator: ", ")), not \"\(context.device)\"")
        }
        if let applied = context.applied {
            if manifest.version == applied.version && manifest.sha256 == applied.sha256 {
                return .success(.noop(manifest))
            }
            guard manifest.version > applied.version else {
                return refuse(.rollback, "version \(manifest.version) is not newer than the applied version \(applied.version)")
            }
        }
        if manifest.kind == .delta {
            guard let applied = context.applied, applied.version == manifest.base else {
                let have = context.applied.map { "version \($0.version)" } ?? "no policy"
                return refuse(.baseMismatch, "the delta applies on version \(manifest.base ?? 0), this device has \(have)")
            }
        }
        if manifest.kind == .snapshot && manifest.records == 0 && !manifest.allowEmpty {
            return refuse(.emptySnapshot, "the snapshot holds no records and does not set allow_empty")
        }
        return .success(.apply(manifest))
    }

    static func makeManifest(_ claims: BundleManifestClaims, kid: String) -> Result<BundleManifest, BundleRefusal> {
        let body = claims.bundle
        func malformed(_ detail: String) -> Result<BundleManifest, BundleRefusal> {
            .failure(BundleRefusal(.malformed, "manifest: \(detail)"))
        }
        guard claims.aud.values.count == 1, let site = claims.aud.values.first, Identifier.isValid(site) else {
            return malformed("aud must be one site id")
        }
        guard body.version >= 1 else { return malformed("bundle.version must be 1 or more") }
        switch body.kind {
        case .delta:
            guard let base = body.base, base >= 1, base < body.version else {
                return malformed("a delta needs bundle.base, an earlier version")
            }
        case .snapshot:
            guard body.base == nil else { return malformed("a snapshot has no bundle.base") }
        }
        guard body.sha256.utf8.count == 64, body.sha256.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            return malformed("bundle.sha256 must be 64 lowercase hex digits")
        }
        guard body.bytes >= 0, body.records >= 0 else { return malformed("bundle.bytes and bundle.records must not be negative") }
        if let devices = body.devices, devices.contains(where: { !Identifier.isValid($0) }) {
            return malformed("bundle.devices must list device ids")
        }
        return .success(BundleManifest(
            site: site, issuedAt: Timestamp(numericDate: claims.iat), issuer: claims.iss, version: body.version,
            kind: body.kind, base: body.base, sha256: body.sha256, bytes: body.bytes, records: body.records,
            encoding: body.encoding, expires: body.expires.map(Timestamp.init(numericDate:)), devices: body.devices,
            allowEmpty: body.allowEmpty ?? false, keyID: kid))
    }
}
