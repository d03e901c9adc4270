import Crypto
import Foundation
import GatehouseCore
import JWTKit

/// An Ed25519 private key with its key id, as `gatehouse keys generate` writes it: a private
/// JWK file (RFC 8037: `kty` OKP, `crv` Ed25519, `x`, `d`, `kid`), mode 0600.
public struct SigningKey: Sendable {
    public let kid: String
    /// The key itself; jwt-kit's wrapper is made from it for signing.
    let privateKey: Curve25519.Signing.PrivateKey

    /// A new random key.
    public static func generate(kid: String) throws(AdminError) -> SigningKey {
        guard Identifier.isValid(kid) else {
            throw AdminError(.key, "--kid: expected an id of 1 to 64 characters from [A-Za-z0-9._:-], got \"\(kid)\"")
        }
        return SigningKey(kid: kid, privateKey: Curve25519.Signing.PrivateKey())
    }

    init(kid: String, privateKey: Curve25519.Signing.PrivateKey) {
        self.kid = kid
        self.privateKey = privateKey
    }

    /// Reads a private JWK file.
    public init(contentsOf path: String) throws(AdminError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AdminError(.io, "\(path): cannot read the key file")
        }
        guard let jwk = try? JSONDecoder().decode(JWK.self, from: data), jwk.keyType == .octetKeyPair,
            jwk.curve == .eddsa(.ed25519), let d = jwk.privateExponent, let kid = jwk.keyIdentifier?.string
        else {
            throw AdminError(.key, "\(path): not an Ed25519 private JWK (kty OKP, crv Ed25519, d, kid)")
        }
        guard let raw = Base64URL.decode(d), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw AdminError(.key, "\(path): d is not a base64url Ed25519 private key")
        }
        self.init(kid: kid, privateKey: key)
    }

    /// The public key's `x`, base64url.
    public var publicX: String { Base64URL.encode(privateKey.publicKey.rawRepresentation) }

    /// The private JWK document.
    public var privateJWK: String {
        JSONValue.object(JSONObject([
            ("kty", .string("OKP")), ("crv", .string("Ed25519")), ("kid", .string(kid)), ("alg", .string("EdDSA")),
            ("x", .string(publicX)), ("d", .string(Base64URL.encode(privateKey.rawRepresentation))),
        ])).serialized + "\n"
    }

    /// The public JWK of this key, for a JWKS document.
    public var publicJWK: JSONValue {
        .object(JSONObject([
            ("kty", .string("OKP")), ("crv", .string("Ed25519")), ("kid", .string(kid)), ("alg", .string("EdDSA")),
            ("use", .string("sig")), ("x", .string(publicX)),
        ]))
    }

    /// A JWKS document holding the public keys of `keys`.
    public static func jwks(_ keys: [SigningKey]) -> String {
        JSONValue.object(JSONObject([("keys", .array(keys.map(\.publicJWK)))])).serialized + "\n"
    }

    /// Signs claims as a compact JWS with header `{"alg":"EdDSA","typ":"JWT","kid":...}`.
    public func sign(_ claims: some JWTPayload) async throws(AdminError) -> String {
        let collection = JWTKeyCollection()
        await collection.add(eddsa: EdDSA.PrivateKey(backing: privateKey), kid: JWKIdentifier(string: kid))
        var header = JWTHeader()
        header.typ = "JWT"
        header.alg = "EdDSA"
        do {
            return try await collection.sign(claims, kid: JWKIdentifier(string: kid), header: header)
        } catch {
            throw AdminError(.sign, "signing failed: \(error)")
        }
    }
}
