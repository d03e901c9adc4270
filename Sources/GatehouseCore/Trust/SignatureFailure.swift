/// Why a signed object (a manifest, a token, a command) was not accepted.
public enum SignatureFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a compact JWS, or its header or claims do not decode.
    case malformed(String)
    /// Signed with an algorithm other than Ed25519 (`none`, HMAC, RSA...).
    case algorithmNotAllowed(String)
    /// No `kid`, or a `kid` this trust set does not hold.
    case unknownKey(String?)
    /// The signature does not verify with the named key.
    case badSignature(kid: String)

    public var description: String {
        switch self {
        case .malformed(let why): "malformed: \(why)"
        case .algorithmNotAllowed(let alg): "algorithm \"\(alg)\" is not allowed; only EdDSA (Ed25519) is"
        case .unknownKey(let kid?): "unknown key \"\(kid)\""
        case .unknownKey(nil): "the header names no key (kid)"
        case .badSignature(let kid): "the signature does not verify with key \"\(kid)\""
        }
    }
}
