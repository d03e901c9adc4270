import Foundation
import GatehouseAdmin
import GatehouseTesting
import Testing

@testable import GatehouseCore

@Suite("Trust sets and signatures")
struct TrustSetTests {
    let keys = TestKeys(kid: "k1", purpose: .invite)

    func token(header: String, claims: String, signature: String = "c2ln") -> String {
        func encode(_ text: String) -> String {
            Data(text.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        }
        return "\(encode(header)).\(encode(claims)).\(signature)"
    }

    /// The failure of a verification, or nil when it passed.
    func failure<Claims>(_ result: Result<(claims: Claims, kid: String), SignatureFailure>) -> SignatureFailure? {
        if case .failure(let failure) = result { return failure }
        return nil
    }

    let claims = #"{"aud":"acme","sub":"i1","jti":"j1","nbf":1,"exp":2}"#

    @Test("accepts its own signature, with alg EdDSA")
    func acceptsOwn() async throws {
        let signed = try await keys.key.sign(VisitorTokenClaims(aud: Audience(["acme"]), sub: "i1", jti: "j1", nbf: 1, exp: 2))
        let verified = try keys.trust.verify(signed, as: VisitorTokenClaims.self).get()
        #expect(verified.kid == "k1" && verified.claims.sub == "i1")
    }

    @Test("refuses none, HMAC and other algorithms before looking at the key", arguments: ["none", "HS256", "RS256", "ES256"])
    func refusesAlgorithms(_ algorithm: String) {
        let forged = token(header: #"{"alg":"\#(algorithm)","kid":"k1"}"#, claims: claims, signature: "")
        #expect(failure(keys.trust.verify(forged, as: VisitorTokenClaims.self)) == (.algorithmNotAllowed(algorithm)))
    }

    @Test("refuses an unknown or missing kid")
    func refusesUnknownKey() {
        #expect(failure(keys.trust.verify(token(header: #"{"alg":"EdDSA","kid":"k9"}"#, claims: claims), as: VisitorTokenClaims.self)) == (.unknownKey("k9")))
        #expect(failure(keys.trust.verify(token(header: #"{"alg":"EdDSA"}"#, claims: claims), as: VisitorTokenClaims.self)) == (.unknownKey(nil)))
    }

    @Test("refuses a signature that does not verify, also under the RFC 9864 name Ed25519")
    func refusesBadSignature() async throws {
        let signed = try await keys.key.sign(VisitorTokenClaims(aud: Audience(["acme"]), sub: "i1", jti: "j1", nbf: 1, exp: 2))
        let parts = signed.split(separator: ".")
        let tampered = token(header: #"{"alg":"Ed25519","kid":"k1"}"#, claims: claims, signature: String(parts[2]))
        #expect(failure(keys.trust.verify(tampered, as: VisitorTokenClaims.self)) == (.badSignature(kid: "k1")))
    }

    @Test("a key trusted for invites is not trusted for commands")
    func keepsPurposesApart() async throws {
        let commandKeys = TestKeys(kid: "k2", purpose: .command)
        let signed = try await keys.key.sign(CommandClaims(aud: Audience(["acme"]), jti: "j", iat: 1, exp: 2, sub: "s", cmd: "ping"))
        #expect(failure(commandKeys.trust.verify(signed, as: CommandClaims.self)) == (.unknownKey("k1")))
    }

    @Test("two sets share a key by its id, or by its public bytes under another id; distinct sets share none")
    func sharedKeys() throws {
        let x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
        func set(_ kid: String, _ x: String, _ purpose: KeyPurpose) throws -> TrustSet {
            try TrustSet(jwks: Data(#"{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"\#(kid)","x":"\#(x)"}]}"#.utf8), purpose: purpose)
        }
        let invite = try set("inv-1", x, .invite)
        #expect(invite.sharedKeys(with: try set("inv-1", x, .command)) == [#""inv-1""#])
        #expect(invite.sharedKeys(with: try set("ops-1", x, .command)) == [#""inv-1" (the key of "ops-1")"#])
        #expect(invite.sharedKeys(with: TestKeys(kid: "ops-2", purpose: .command).trust).isEmpty)
    }

    @Test(
        "refuses JWKS documents that are not a set of Ed25519 public keys",
        arguments: [
            (#"{"keys":[]}"#, "no keys"),
            (#"{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB","kid":"r"}]}"#, "Ed25519"),
            (#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#, "kid"),
            (#"{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"a","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}]}"#, "private key"),
            (#"{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"a","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},{"kty":"OKP","crv":"Ed25519","kid":"a","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#, "twice"),
            (#"{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"a","x":"short"}]}"#, "not a base64url"),
            ("not json", "not a JWKS"),
        ])
    func refusesBadSets(_ document: String, _ words: String) {
        do {
            _ = try TrustSet(jwks: Data(document.utf8), purpose: .bundle)
            Issue.record("accepted \(document)")
        } catch {
            #expect(error.message.contains(words), "\(error.message)")
        }
    }
}
