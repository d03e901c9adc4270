import GatehouseCore

/// A card that runs in software and speaks ISO 14443-4: the PN532 emulator passes it what the
/// host sends through InDataExchange, and a core test may talk to it directly as a
/// ``CardTransport``.
public protocol SoftwareCard: CardTransport, Sendable {
    /// The card's answers to an activation now (its UID, a new one each time for a random ID).
    var activation: EmulatedCard { get }
    /// A new activation: the field came back, so the selection and any session are gone.
    func activate()
    /// The response APDU to a command APDU.
    func respond(_ apdu: [UInt8]) -> [UInt8]
}

extension SoftwareCard {
    public func transmit(_ apdu: [UInt8]) throws(CardFailure) -> [UInt8] { respond(apdu) }
}

/// A card's native command in its ISO 7816-4 wrapping: `90 INS 00 00 [Lc data] [Le]`.
struct NativeCommand {
    var code: UInt8
    var data: [UInt8]

    init?(_ apdu: [UInt8]) {
        guard apdu.count >= 4, apdu[0] == 0x90, apdu[2] == 0, apdu[3] == 0 else { return nil }
        code = apdu[1]
        if apdu.count <= 5 {
            data = []
        } else {
            let length = Int(apdu[4])
            guard apdu.count >= 5 + length else { return nil }
            data = Array(apdu[5..<(5 + length)])
        }
    }

    /// A three-byte little-endian number at `offset` of the data.
    func three(at offset: Int) -> Int { Int(data[offset]) | Int(data[offset + 1]) << 8 | Int(data[offset + 2]) << 16 }
}
