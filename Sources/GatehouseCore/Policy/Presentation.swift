/// What someone showed a reader: a badge UID, a static code, or a visitor's signed token.
public enum Presentation: Sendable, Equatable {
    /// A credential looked up in the cache by format and value. A `uid` value is normalised.
    case credential(format: Credential.Format, value: String)
    /// A compact JWT from a visitor's QR code (protocol section 2).
    case token(String)
    /// A card an authenticating reader checked (contract 7.3): looked up as a `uid` credential
    /// (its real, normalised UID), with why it failed to prove itself genuine, or nil when it did.
    case checkedCard(uid: String, failure: CardFailure.Reason?)

    /// What a scanned QR or barcode payload is: a token when it has the shape of a compact
    /// JWS (three base64url parts, a JSON header), otherwise a static `code` credential.
    public static func scanned(_ text: String) -> Presentation {
        let parts = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        let looksSigned = parts.count == 3 && text.hasPrefix("eyJ") && parts.allSatisfy { part in
            part.allSatisfy { byte in
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            }
        }
        return looksSigned ? .token(text) : .credential(format: .code, value: text)
    }

    /// The published stand-in for the raw value (protocol section 5): raw UIDs and tokens
    /// never appear in logs or events.
    public func fingerprint(site: String) -> String {
        switch self {
        case .credential(_, let value): CredentialFingerprint.of(site: site, value: value)
        case .token(let token): CredentialFingerprint.of(site: site, value: token)
        case .checkedCard(let uid, _): CredentialFingerprint.of(site: site, value: uid)
        }
    }

    /// The format as events name it: `uid`, `code` or `token`.
    public var formatName: String {
        switch self {
        case .credential(let format, _): format.rawValue
        case .token: "token"
        case .checkedCard: Credential.Format.uid.rawValue
        }
    }

    /// Whether the credential proved itself genuine (`credential.authenticated`): only a card an
    /// authenticating reader checked successfully.
    public var isAuthenticated: Bool {
        if case .checkedCard(_, nil) = self { return true }
        return false
    }
}
