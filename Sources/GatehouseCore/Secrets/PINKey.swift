import Crypto

/// The site's PIN key (contract 7.2): 32 random bytes from the device secrets file. A PIN is
/// stored and compared only as HMAC-SHA256 of `"{site}:{person}:{digits}"` under it. Never
/// printed: its description hides it.
public struct PINKey: Sendable, CustomStringConvertible {
    /// The key's length in bytes.
    public static let byteCount = 32
    private let key: SymmetricKey

    /// A key from its 32 bytes; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        key = SymmetricKey(data: bytes)
    }

    /// The keyed hash of `digits` for `person` at `site`, as bundles carry it.
    public func hash(site: String, person: String, digits: String) -> String {
        Hex.lowercase(HMAC<SHA256>.authenticationCode(for: Array("\(site):\(person):\(digits)".utf8), using: key))
    }

    /// Whether `digits` hash to `expected`, compared in constant time.
    public func matches(_ expected: String, site: String, person: String, digits: String) -> Bool {
        let actual = Array(hash(site: site, person: person, digits: digits).utf8), wanted = Array(expected.utf8)
        guard actual.count == wanted.count else { return false }
        return zip(actual, wanted).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    public var description: String { "PINKey(hidden)" }
}
