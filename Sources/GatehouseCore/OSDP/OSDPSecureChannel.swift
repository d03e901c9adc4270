import Crypto
import CryptoExtras

/// OSDP's secure channel (SIA OSDP v2, section D; checked against the Annex E examples): session
/// keys from the secure channel base key and the control panel's random, the two cryptograms,
/// the initial R-MAC, and then each packet's MAC (AES-CBC-MAC chained from the other side's
/// last MAC) and data encryption (AES-CBC under S-ENC with the complement of that MAC as IV).
/// Keys never leave it; its description shows none.
public struct OSDPSecureChannel: Sendable, CustomStringConvertible {
    /// SCBK-D, the default key every reader ships with: only for commissioning.
    public static let defaultKey: [UInt8] = Array(0x30...0x3F)

    let encryption: SymmetricKey
    let mac1: SymmetricKey
    let mac2: SymmetricKey
    /// The last command's MAC and the last reply's, each the IV of the other side's next.
    var commandMAC: [UInt8] = []
    var replyMAC: [UInt8] = []
    let controlRandom: [UInt8]

    /// The session keys for base key `key` and the control panel's random `controlRandom` (8 bytes).
    public init(key: [UInt8], controlRandom: [UInt8]) {
        precondition(key.count == 16 && controlRandom.count == 8, "a 16-byte key and an 8-byte random")
        let base = SymmetricKey(data: key)
        func derive(_ second: UInt8) -> SymmetricKey {
            SymmetricKey(data: Self.encrypt([0x01, second] + controlRandom.prefix(6) + [UInt8](repeating: 0, count: 8), base))
        }
        encryption = derive(0x82)
        mac1 = derive(0x01)
        mac2 = derive(0x02)
        self.controlRandom = controlRandom
    }

    /// The reader's (client) cryptogram it must have sent for `readerRandom`.
    public func clientCryptogram(readerRandom: [UInt8]) -> [UInt8] { Self.encrypt(controlRandom + readerRandom, encryption) }

    /// The control panel's (server) cryptogram for `readerRandom`.
    public func serverCryptogram(readerRandom: [UInt8]) -> [UInt8] { Self.encrypt(readerRandom + controlRandom, encryption) }

    /// The initial R-MAC the reader must send for the server cryptogram.
    public func initialReplyMAC(serverCryptogram: [UInt8]) -> [UInt8] { Self.encrypt(Self.encrypt(serverCryptogram, mac1), mac2) }

    /// Starts the MAC chain with the reader's verified initial R-MAC.
    public mutating func start(initialReplyMAC: [UInt8]) { replyMAC = initialReplyMAC }

    /// The MAC of `bytes` sent by the control panel (`command`) or the reader, chained, kept as
    /// the side's last MAC; its first four bytes go on the wire.
    public mutating func mac(_ bytes: [UInt8], command: Bool) -> [UInt8] {
        var iv = command ? replyMAC : commandMAC
        var blocks = bytes
        let aligned = !blocks.isEmpty && blocks.count % 16 == 0
        if !aligned {
            blocks.append(0x80)
            blocks += [UInt8](repeating: 0, count: (16 - blocks.count % 16) % 16)
        }
        let count = blocks.count / 16
        for index in 0..<count {
            let block = zip(blocks[(index * 16)..<(index * 16 + 16)], iv).map { $0 ^ $1 }
            iv = Self.encrypt(block, index == count - 1 ? mac2 : mac1)
        }
        if command { commandMAC = iv } else { replyMAC = iv }
        return iv
    }

    /// Encrypts a command's data (padded with 0x80 and zeros) before its MAC is computed.
    public func encryptCommandData(_ data: [UInt8]) -> [UInt8] {
        var padded = data + [0x80]
        padded += [UInt8](repeating: 0, count: (16 - padded.count % 16) % 16)
        var iv = replyMAC.map { ~$0 }
        var output: [UInt8] = []
        for index in stride(from: 0, to: padded.count, by: 16) {
            iv = Self.encrypt(zip(padded[index..<(index + 16)], iv).map { $0 ^ $1 }, encryption)
            output += iv
        }
        return output
    }

    /// Decrypts a reply's data after its MAC was checked; nil when the padding is wrong.
    public func decryptReplyData(_ data: [UInt8]) -> [UInt8]? {
        guard data.count % 16 == 0, !data.isEmpty else { return data.isEmpty ? [] : nil }
        var iv = commandMAC.map { ~$0 }
        var output: [UInt8] = []
        for index in stride(from: 0, to: data.count, by: 16) {
            let block = Array(data[index..<(index + 16)])
            output += zip(Self.decrypt(block, encryption), iv).map { $0 ^ $1 }
            iv = block
        }
        while let last = output.last, last == 0 { output.removeLast() }
        guard output.last == 0x80 else { return nil }
        output.removeLast()
        return output
    }

    /// A reader's base key derived from a master key and its client id (cUID), as libosdp's
    /// `osdp_compute_scbk` and the specification's key derivation do: AES(master, cUID ‖ ~cUID).
    public static func derivedKey(master: [UInt8], clientID: [UInt8]) -> [UInt8] {
        precondition(master.count == 16 && clientID.count == 8, "a 16-byte master key and an 8-byte cUID")
        return encrypt(clientID + clientID.map { ~$0 }, SymmetricKey(data: master))
    }

    /// One AES-128 block, through the card code's `AES128`.
    static func encrypt(_ block: [UInt8], _ key: SymmetricKey) -> [UInt8] {
        AES128.encrypt(block, key: key.withUnsafeBytes { Array($0) })
    }

    static func decrypt(_ block: [UInt8], _ key: SymmetricKey) -> [UInt8] {
        AES128.decrypt(block, key: key.withUnsafeBytes { Array($0) })
    }

    public var description: String { "OSDPSecureChannel(keys hidden)" }
}
