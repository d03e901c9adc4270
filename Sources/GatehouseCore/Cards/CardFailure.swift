/// Why a card did not prove itself genuine, or why talking to it failed: the reasons an
/// authenticating reader logs with a `card_not_authentic` denial, and `gatehouse card check`
/// prints. The detail never holds a key, a random or a UID.
public struct CardFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable reason, as logs show it.
    public enum Reason: String, Sendable, CaseIterable {
        /// The card stopped answering (taken away mid-conversation, or out of the field).
        case removed
        /// The conversation was interrupted by a stop.
        case aborted
        /// The card is not the kind the reader authenticates (no ISO 14443-4, another product).
        case wrongCard = "wrong_card"
        /// The card has no Gatehouse application or keys: never issued, or issued for another site.
        case notIssued = "not_issued"
        /// The card's key version has no master key in the device secrets.
        case unknownKeyVersion = "unknown_key_version"
        /// Mutual authentication failed: the card does not hold the key it should.
        case wrongKey = "wrong_key"
        /// A response's MAC, or a SUN message's, did not verify.
        case badMAC = "bad_mac"
        /// A SUN read counter that did not grow: a replayed message.
        case replayed
        /// The credential file does not belong to this card.
        case wrongCredential = "wrong_credential"
        /// `gatehouse card issue`: the card is not blank (it holds applications, or its keys
        /// are not the factory's), and issuing over it was not asked for.
        case notBlank = "not_blank"
        /// The card answered outside the protocol (a status or a length it may not send).
        case protocolError = "protocol"
    }

    public var reason: Reason
    /// What happened, for people.
    public var detail: String

    public init(_ reason: Reason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    /// Two failures are equal when their reasons are.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.reason == rhs.reason }

    public var description: String { "\(reason.rawValue): \(detail)" }
}

/// The ISO 7816-4 channel to a card in the field (ISO 14443-4, framed by the reader): one
/// command APDU out, its response APDU (data, then SW1 SW2) back. The NFC adapter's libnfc
/// transport and the software cards of `GatehouseTesting` implement it. Calls block and belong
/// on the reader's thread.
public protocol CardTransport: AnyObject {
    /// Sends `apdu` and returns the card's whole response, at least two status bytes.
    func transmit(_ apdu: [UInt8]) throws(CardFailure) -> [UInt8]
}
