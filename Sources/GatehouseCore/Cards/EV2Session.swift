/// An EV2 secure-messaging session (MIFARE DESFire EV2/EV3 and NTAG 424 DNA datasheets; NXP
/// AN12196 sections 4 and 5), after AuthenticateEV2First: the transaction identifier, the two
/// session keys and the command counter. It wraps commands in `CommMode.MAC` and
/// `CommMode.Full` and checks and opens responses, for the reader; the software cards of
/// `GatehouseTesting` use the same arithmetic from the other side. Its description hides keys.
public struct EV2Session: Sendable, CustomStringConvertible {
    /// TI, four bytes chosen by the card.
    public let transactionID: [UInt8]
    let encryptionKey: [UInt8]
    let macKey: [UInt8]
    /// CmdCtr: commands completed in the session.
    public var counter: UInt16 = 0

    /// The session for `key` after an exchange of `rndA` (the reader's) and `rndB` (the card's).
    public init(key: [UInt8], rndA: [UInt8], rndB: [UInt8], transactionID: [UInt8]) {
        precondition(key.count == 16 && rndA.count == 16 && rndB.count == 16 && transactionID.count == 4, "EV2 sizes")
        let (sv1, sv2) = Self.sessionVectors(rndA: rndA, rndB: rndB)
        encryptionKey = AES128.cmac(sv1, key: key)
        macKey = AES128.cmac(sv2, key: key)
        self.transactionID = transactionID
    }

    /// A session from known keys, for tests that start from a published one.
    public init(transactionID: [UInt8], encryptionKey: [UInt8], macKey: [UInt8], counter: UInt16 = 0) {
        self.transactionID = transactionID
        self.encryptionKey = encryptionKey
        self.macKey = macKey
        self.counter = counter
    }

    /// SV1 and SV2: `A55A`/`5AA5` `00010080` ‖ RndA[15..14] ‖ (RndA[13..8] ⊕ RndB[15..10]) ‖
    /// RndB[9..0] ‖ RndA[7..0], most significant byte first.
    public static func sessionVectors(rndA: [UInt8], rndB: [UInt8]) -> ([UInt8], [UInt8]) {
        let tail = Array(rndA[0..<2]) + AES128.xor(Array(rndA[2..<8]), Array(rndB[0..<6])) + Array(rndB[6..<16]) + Array(rndA[8..<16])
        return ([0xA5, 0x5A, 0x00, 0x01, 0x00, 0x80] + tail, [0x5A, 0xA5, 0x00, 0x01, 0x00, 0x80] + tail)
    }

    /// The IV of a command's data (`A55A` ‖ TI ‖ CmdCtr) or of a response's (`5AA5` ‖ TI ‖ CmdCtr+1).
    public func iv(command: Bool) -> [UInt8] {
        let count = command ? counter : counter &+ 1
        let label: [UInt8] = command ? [0xA5, 0x5A] : [0x5A, 0xA5]
        return AES128.encrypt(label + transactionID + Self.littleEndian(count) + [UInt8](repeating: 0, count: 8), key: encryptionKey)
    }

    /// MACt of a command: CMAC over Cmd ‖ CmdCtr ‖ TI ‖ header ‖ data, truncated.
    public func commandMAC(code: UInt8, _ body: [UInt8]) -> [UInt8] {
        AES128.truncated(AES128.cmac([code] + Self.littleEndian(counter) + transactionID + body, key: macKey))
    }

    /// MACt of a response: CMAC over status ‖ CmdCtr+1 ‖ TI ‖ data, truncated.
    public func responseMAC(status: UInt8, _ data: [UInt8]) -> [UInt8] {
        AES128.truncated(AES128.cmac([status] + Self.littleEndian(counter &+ 1) + transactionID + data, key: macKey))
    }

    /// Command data encrypted for `CommMode.Full` (padded; empty stays empty).
    public func encryptCommandData(_ data: [UInt8]) -> [UInt8] {
        data.isEmpty ? [] : AES128.encryptCBC(AES128.pad(data), key: encryptionKey, iv: iv(command: true))
    }

    /// Command data decrypted on the card's side; nil when it is not whole blocks or padded.
    public func decryptCommandData(_ data: [UInt8]) -> [UInt8]? {
        if data.isEmpty { return [] }
        return AES128.decryptCBC(data, key: encryptionKey, iv: iv(command: true)).flatMap(AES128.unpad)
    }

    /// Response data encrypted on the card's side.
    public func encryptResponseData(_ data: [UInt8]) -> [UInt8] {
        data.isEmpty ? [] : AES128.encryptCBC(AES128.pad(data), key: encryptionKey, iv: iv(command: false))
    }

    /// A command APDU (`90 code 00 00 Lc header data MACt 00`) in `CommMode.MAC`, or in
    /// `CommMode.Full` with `data` encrypted; the header stays in clear.
    public func wrap(code: UInt8, header: [UInt8] = [], data: [UInt8] = [], full: Bool) -> [UInt8] {
        let body = header + (full ? encryptCommandData(data) : data)
        return Self.apdu(code: code, body + commandMAC(code: code, body))
    }

    /// A response's data once its MAC has verified, decrypted in `CommMode.Full`; the counter
    /// moves on. Throws `bad_mac` for a wrong MAC, the card's refusal for a status other than `9100`.
    public mutating func unwrap(_ response: [UInt8], full: Bool, doing: String) throws(CardFailure) -> [UInt8] {
        let data = try Self.payload(response, doing: doing)
        guard data.count >= 8 else { throw CardFailure(.protocolError, "\(doing): a response without its MAC") }
        let body = Array(data.dropLast(8))
        guard AES128.same(responseMAC(status: 0x00, body), Array(data.suffix(8))) else {
            throw CardFailure(.badMAC, "\(doing): the card's response MAC did not verify")
        }
        defer { counter &+= 1 }
        guard full, !body.isEmpty else { return body }
        guard let plain = AES128.decryptCBC(body, key: encryptionKey, iv: iv(command: false)).flatMap(AES128.unpad) else {
            throw CardFailure(.badMAC, "\(doing): the card's encrypted response is not whole, padded blocks")
        }
        return plain
    }

    /// A native command wrapped in ISO 7816-4: `90 code 00 00 [Lc data] 00`.
    public static func apdu(code: UInt8, _ data: [UInt8]) -> [UInt8] {
        precondition(data.count <= 255, "short APDUs only")
        return data.isEmpty ? [0x90, code, 0x00, 0x00, 0x00] : [0x90, code, 0x00, 0x00, UInt8(data.count)] + data + [0x00]
    }

    /// The data of a successful response (`…91 00`, or `…90 00` for ISO commands); otherwise the
    /// card's refusal as a failure.
    public static func payload(_ response: [UInt8], doing: String, allowing more: Bool = false) throws(CardFailure) -> [UInt8] {
        guard response.count >= 2 else { throw CardFailure(.protocolError, "\(doing): a response without a status") }
        let status = (response[response.count - 2], response[response.count - 1])
        switch status {
        case (0x91, 0x00), (0x90, 0x00): return Array(response.dropLast(2))
        case (0x91, 0xAF) where more: return Array(response.dropLast(2))
        case (0x91, 0xAE): throw CardFailure(.wrongKey, "\(doing): the card refused the authentication (91AE)")
        case (0x91, 0x1E): throw CardFailure(.badMAC, "\(doing): the card found our MAC wrong (911E)")
        case (0x91, 0xA0), (0x6A, 0x82): throw CardFailure(.notIssued, "\(doing): no such application or file (\(BadgeUID.hex([status.0, status.1])))")
        case (0x91, 0x40), (0x91, 0xF0): throw CardFailure(.notIssued, "\(doing): no such key or file (\(BadgeUID.hex([status.0, status.1])))")
        default: throw CardFailure(.protocolError, "\(doing): the card answered \(BadgeUID.hex([status.0, status.1]))")
        }
    }

    static func littleEndian(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }

    public var description: String { "EV2Session(counter: \(counter), keys hidden)" }
}
