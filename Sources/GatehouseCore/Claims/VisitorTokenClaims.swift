import JWTKit

/// The claims of a visitor QR token (protocol section 2).
public struct VisitorTokenClaims: JWTPayload, Equatable {
    /// The site id.
    public var aud: Audience
    /// The invite id.
    public var sub: String
    public var jti: String
    public var nbf: Double
    public var exp: Double
    public var iss: String?
    /// `visitor`, `contractor` or `delivery`; absent means `visitor`.
    public var kind: String?
    /// Zone ids, used only for invites the cache does not hold, where the device allows that.
    public var zones: [String]?

    public init(aud: Audience, sub: String, jti: String, nbf: Double, exp: Double, iss: String? = nil, kind: String? = nil, zones: [String]? = nil) {
        self.aud = aud
        self.sub = sub
        self.jti = jti
        self.nbf = nbf
        self.exp = exp
        self.iss = iss
        self.kind = kind
        self.zones = zones
    }

    /// Claims are checked by the policy engine, which knows the clock and the cache.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}
