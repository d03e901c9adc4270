import Crypto
import Foundation
import JWTKit

/// The Ed25519 public keys trusted for one purpose, read from a JWKS document.
public struct TrustSet: Sendable {
    /// Why a JWKS document cannot serve as a trust set.
    public struct LoadError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The signature algorithm names accepted in a JOSE header: RFC 8037's and RFC 9864's.
    public static let acceptedAlgorithms: Set<String> = ["EdDSA", "Ed25519"]

    public let purpose: KeyPurpose
    let keys: [String: Curve25519.Signing.PublicKey]

    /// The key ids, sorted.
    public var keyIDs: [String] { keys.keys.sorted() }

    /// Reads a JWKS document. Every key must be an Ed25519 public key (`kty` OKP, `crv`
    /// Ed25519) with a unique `kid`; a private key in a trust file is refused.
    public init(jwks data: Data, purpose: KeyPurpose) throws(LoadError) {
        let document: JWKS
        do {
            document = try JSONDecoder().decode(JWKS.self, from: data)
        } catch {
            throw LoadError(message: "not a JWKS document ({\"keys\":[...]}): \(Self.describe(error))")
        }
        var keys: [String: Curve25519.Signing.PublicKey] = [:]
        for (index, jwk) in document.keys.enumerated() {
            let label = "keys[\(index)]"
            guard jwk.keyType == .octetKeyPair, jwk.curve == .eddsa(.ed25519) else {
                throw LoadError(message: "\(label): expected an Ed25519 key (kty OKP, crv Ed25519)")
            }
            guard let kid = jwk.keyIdentifier?.string, Identifier.isValid(kid) else {
                throw LoadError(message: "\(label): expected a kid of 1 to 64 characters from [A-Za-z0-9._:-]")
            }
            guard jwk.privateExponent == nil else {
                throw LoadError(message: "\(label) (\(kid)): holds a private key (d); a trust file takes public keys only")
            }
            guard keys[kid] == nil else { throw LoadError(message: "\(label): kid \"\(kid)\" appears twice") }
            guard let x = jwk.x, let publicKey = try? EdDSA.PublicKey(x: x, curve: .ed25519),
                let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey.rawRepresentation)
            else {
                throw LoadError(message: "\(label) (\(kid)): x is not a base64url Ed25519 public key")
            }
            keys[kid] = key
        }
        guard !keys.isEmpty else { throw LoadError(message: "holds no keys") }
        self.purpose = purpose
        self.keys = keys
    }

    /// Verifies a compact JWS and decodes its claims. The signature is checked over the
    /// token's signing input with the key its header names; claims are left to the caller.
    public func verify<Claims: JWTPayload>(_ token: some StringProtocol, as type: Claims.Type) -> Result<(claims: Claims, kid: String), SignatureFailure> {
        let bytes = Array(token.utf8)
        let parsed: (header: JWTHeader, payload: Claims, signature: Data)
        do {
            parsed = try DefaultJWTParser().parse(bytes, as: Claims.self)
        } catch {
            return .failure(.malformed(Self.describe(error)))
        }
        guard let algorithm = parsed.header.alg, Self.acceptedAlgorithms.contains(algorithm) else {
            return .failure(.algorithmNotAllowed(parsed.header.alg ?? "(none)"))
        }
        guard let kid = parsed.header.kid else { return .failure(.unknownKey(nil)) }
        guard let key = keys[kid] else { return .failure(.unknownKey(kid)) }
        guard let lastDot = bytes.lastIndex(of: UInt8(ascii: ".")),
            key.isValidSignature(parsed.signature, for: bytes[..<lastDot])
        else {
            return .failure(.badSignature(kid: kid))
        }
        return .success((parsed.payload, kid))
    }

    static func describe(_ error: any Error) -> String {
        if let decoding = error as? DecodingError {
            switch decoding {
            case .keyNotFound(let key, let context):
                return "missing `\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))`"
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                let path = context.codingPath.map(\.stringValue).joined(separator: ".")
                return path.isEmpty ? context.debugDescription : "`\(path)`: \(context.debugDescription)"
            @unknown default:
                return "\(decoding)"
            }
        }
        return "\(error)"
    }
}
