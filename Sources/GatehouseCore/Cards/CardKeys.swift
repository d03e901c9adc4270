/// The site's card master keys (`[card_master_keys]` in the device secrets file, by key
/// version) and the per-card keys diversified from them (AN10922, ``KeyDiversification``).
///
/// The diversification input of a card key is the card's UID ‖ the application's three bytes ‖
/// the key number ‖ the system identifier (the site id's UTF-8, cut to fit AN10922's 31
/// bytes); a site key, the same for every card (the key that reads a random-ID card's UID, an
/// NTAG 424's SDM meta-read key), leaves the UID out. Its description shows versions only.
public struct CardKeys: Sendable, Equatable, CustomStringConvertible {
    /// Which of the card layouts (``CardLayout``) a key belongs to.
    public enum Application: Sendable {
        case desfire, ntag424

        /// The three bytes that stand for the application in the diversification input.
        var bytes: [UInt8] {
            switch self {
            case .desfire: CardLayout.desfireApplication
            case .ntag424: [0x85, 0x01, 0x01]
            }
        }
    }

    /// Each master key (16 bytes) by its key version (1 to 255).
    public var masters: [Int: [UInt8]]
    /// The system identifier's bytes.
    public var systemIdentifier: [UInt8]

    public init(masters: [Int: [UInt8]], site: String) {
        precondition(masters.values.allSatisfy { $0.count == 16 } && masters.keys.allSatisfy { (1...255).contains($0) }, "16-byte keys, versions 1 to 255")
        self.masters = masters
        systemIdentifier = Array(site.utf8)
    }

    /// The newest version, which `gatehouse card issue` gives new cards.
    public var currentVersion: Int? { masters.keys.max() }

    /// Card `uid`'s key `number` of `application` under master key `version`; nil when the
    /// secrets hold no such version.
    public func cardKey(uid: [UInt8], _ application: Application, number: UInt8, version: Int) -> [UInt8]? {
        masters[version].map { KeyDiversification.aes128(master: $0, input: input(uid, application, number)) }
    }

    /// The site-wide key `number` of `application` under master key `version` (no UID).
    public func siteKey(_ application: Application, number: UInt8, version: Int) -> [UInt8]? {
        masters[version].map { KeyDiversification.aes128(master: $0, input: input([], application, number)) }
    }

    func input(_ uid: [UInt8], _ application: Application, _ number: UInt8) -> [UInt8] {
        let head = uid + application.bytes + [number]
        return head + systemIdentifier.prefix(max(0, 31 - head.count))
    }

    public var description: String { "CardKeys(versions: \(masters.keys.sorted()), keys hidden)" }
}
