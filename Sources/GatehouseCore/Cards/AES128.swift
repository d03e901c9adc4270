import Crypto
import CryptoExtras

/// AES-128 as the card protocols and OSDP use it: single blocks, CBC without padding, CMAC
/// (RFC 4493, swift-crypto's) and NXP's truncation of it, ISO/IEC 9797-1 method 2 padding and
/// the CRC32 DESFire puts under a changed key. Every key and block size is checked by the
/// caller's construction: a wrong one is a programmer's mistake, not an input error.
public enum AES128 {
    /// One block encrypted.
    public static func encrypt(_ block: [UInt8], key: [UInt8]) -> [UInt8] {
        permute(block, key: key, inverse: false)
    }

    /// One block decrypted.
    public static func decrypt(_ block: [UInt8], key: [UInt8]) -> [UInt8] {
        permute(block, key: key, inverse: true)
    }

    /// CBC encryption of whole blocks (the caller pads).
    public static func encryptCBC(_ data: [UInt8], key: [UInt8], iv: [UInt8] = zeroBlock) -> [UInt8] {
        precondition(data.count % 16 == 0 && iv.count == 16, "whole blocks and a 16-byte IV")
        var chain = iv
        var output: [UInt8] = []
        output.reserveCapacity(data.count)
        for start in stride(from: 0, to: data.count, by: 16) {
            chain = encrypt(xor(Array(data[start..<(start + 16)]), chain), key: key)
            output += chain
        }
        return output
    }

    /// CBC decryption of whole blocks; nil when `data` is not whole blocks (it came from outside).
    public static func decryptCBC(_ data: [UInt8], key: [UInt8], iv: [UInt8] = zeroBlock) -> [UInt8]? {
        guard data.count % 16 == 0 else { return nil }
        precondition(iv.count == 16, "a 16-byte IV")
        var chain = iv
        var output: [UInt8] = []
        output.reserveCapacity(data.count)
        for start in stride(from: 0, to: data.count, by: 16) {
            let block = Array(data[start..<(start + 16)])
            output += xor(decrypt(block, key: key), chain)
            chain = block
        }
        return output
    }

    /// AES-CMAC (RFC 4493) of `data` under `key`: 16 bytes.
    public static func cmac(_ data: [UInt8], key: [UInt8]) -> [UInt8] {
        precondition(key.count == 16, "an AES-128 key")
        do {
            var mac = try AES.CMAC(key: SymmetricKey(data: key))
            mac.update(data: data)
            return Array(mac.finalize())
        } catch {
            preconditionFailure("CMAC refused a 128-bit key: \(error)")
        }
    }

    /// NXP's 8-byte MAC: the CMAC's bytes at odd positions (S1, S3, … S15).
    public static func truncated(_ mac: [UInt8]) -> [UInt8] {
        precondition(mac.count == 16, "a full CMAC")
        return stride(from: 1, to: 16, by: 2).map { mac[$0] }
    }

    /// ISO/IEC 9797-1 padding method 2: 0x80 and zeros to a whole block, always at least one byte.
    public static func pad(_ data: [UInt8]) -> [UInt8] {
        var padded = data + [0x80]
        padded += [UInt8](repeating: 0, count: (16 - padded.count % 16) % 16)
        return padded
    }

    /// The data before method-2 padding; nil when the padding is not there.
    public static func unpad(_ data: [UInt8]) -> [UInt8]? {
        guard let marker = data.lastIndex(where: { $0 != 0 }), data[marker] == 0x80, data.count - marker <= 16 else { return nil }
        return Array(data[..<marker])
    }

    /// DESFire's CRC32 of a new key (JAMCRC: the IEEE CRC32 without its final inversion),
    /// least significant byte first.
    public static func crc32NK(_ data: [UInt8]) -> [UInt8] {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return [UInt8(crc & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 24)]
    }

    /// Bytes combined one by one; both the same length.
    public static func xor(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        precondition(a.count == b.count, "equal lengths")
        return zip(a, b).map { $0 ^ $1 }
    }

    /// Whether two MACs or cryptograms are equal, in time that does not depend on where they differ.
    public static func same(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    public static let zeroBlock = [UInt8](repeating: 0, count: 16)

    private static func permute(_ block: [UInt8], key: [UInt8], inverse: Bool) -> [UInt8] {
        precondition(block.count == 16 && key.count == 16, "one 16-byte block under a 16-byte key")
        var output = block
        let symmetric = SymmetricKey(data: key)
        do {
            if inverse { try AES.inversePermute(&output, key: symmetric) } else { try AES.permute(&output, key: symmetric) }
        } catch {
            preconditionFailure("AES refused a 16-byte block under a 128-bit key: \(error)")
        }
        return output
    }
}
