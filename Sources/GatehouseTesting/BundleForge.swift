import Foundation
import GatehouseAdmin
import GatehouseCore

/// Makes bundles in memory, right or deliberately wrong, for tests and benchmarks.
public struct BundleForge: Sendable {
    public let keys: TestKeys
    public let site: String

    public init(keys: TestKeys = TestKeys(), site: String = "acme") {
        self.keys = keys
        self.site = site
    }

    /// The body bytes of NDJSON lines, gzipped on request.
    public static func body(_ lines: [String], gzip: Bool = false) -> [UInt8] {
        let plain = Array(lines.map { $0 + "\n" }.joined().utf8)
        return gzip ? Gzip.compress(plain) : plain
    }

    /// The manifest claims that truthfully describe `body`.
    public func claims(version: Int64, kind: BundleManifest.Kind = .snapshot, base: Int64? = nil, body: [UInt8], records: Int64, gzip: Bool = false, expires: Timestamp? = nil, devices: [String]? = nil, allowEmpty: Bool? = nil) -> BundleManifestClaims {
        BundleManifestClaims(
            aud: Audience([site]), iat: 1_790_000_000, iss: "tests",
            bundle: .init(
                version: version, kind: kind, base: base, sha256: Self.sha256(body), bytes: Int64(body.count), records: records,
                encoding: gzip ? .ndjsonGzip : .ndjson, expires: expires.map { Double($0.numericDate) }, devices: devices, allowEmpty: allowEmpty))
    }

    /// A bundle: the signed manifest line, `\n`, the body.
    public func bundle(_ claims: BundleManifestClaims, body: [UInt8], signer: SigningKey? = nil) async throws -> [UInt8] {
        let manifest = try await (signer ?? keys.key).sign(claims)
        return Array((manifest + "\n").utf8) + body
    }

    /// A correct bundle of `lines`.
    public func bundle(version: Int64, kind: BundleManifest.Kind = .snapshot, base: Int64? = nil, lines: [String], gzip: Bool = false, expires: Timestamp? = nil) async throws -> [UInt8] {
        let body = Self.body(lines, gzip: gzip)
        return try await bundle(claims(version: version, kind: kind, base: base, body: body, records: Int64(lines.count), gzip: gzip, expires: expires), body: body)
    }

    public static func sha256(_ bytes: [UInt8]) -> String {
        var check = BundleBodyCheck()
        bytes.withUnsafeBytes { check.consume($0) }
        return check.digestHex()
    }
}
