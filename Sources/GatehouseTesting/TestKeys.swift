import Foundation
import GatehouseAdmin
import GatehouseCore

/// A signing key and the trust set holding its public half, for one purpose.
public struct TestKeys: Sendable {
    public let key: SigningKey
    public let trust: TrustSet

    /// A fresh key with id `kid`, trusted for `purpose`.
    public init(kid: String = "test-bundle-1", purpose: KeyPurpose = .bundle) {
        // A valid id always yields a key; a failure here is a broken fixture.
        key = (try? SigningKey.generate(kid: kid))!
        trust = (try? TrustSet(jwks: Data(SigningKey.jwks([key]).utf8), purpose: purpose))!
    }
}
