/// AES-128 key diversification as NXP AN10922 (section 2.2) describes it: a card's key is the
/// CMAC, under the site's master key, of `0x01 ‖ M` padded to 32 bytes, where M (1 to 31
/// bytes) is what makes the card and the key unique: its UID, an application id and a system
/// identifier. The padding to two blocks is the note's, not plain CMAC's, which differs when
/// `0x01 ‖ M` fits in one block.
public enum KeyDiversification {
    /// The card key for diversification input `input` (1 to 31 bytes).
    public static func aes128(master: [UInt8], input: [UInt8]) -> [UInt8] {
        precondition(master.count == 16 && (1...31).contains(input.count), "a 16-byte master key and 1 to 31 bytes of input")
        let (k1, k2) = subkeys(master)
        var data = [0x01] + input
        let padded = data.count < 32
        if padded {
            data.append(0x80)
            data += [UInt8](repeating: 0, count: 32 - data.count)
        }
        let last = AES128.xor(Array(data[16..<32]), padded ? k2 : k1)
        let first = AES128.encrypt(Array(data[0..<16]), key: master)
        return AES128.encrypt(AES128.xor(last, first), key: master)
    }

    /// CMAC's subkeys K1 and K2 (RFC 4493 section 2.3).
    static func subkeys(_ key: [UInt8]) -> ([UInt8], [UInt8]) {
        func double(_ block: [UInt8]) -> [UInt8] {
            var output = [UInt8](repeating: 0, count: 16)
            for index in 0..<16 {
                output[index] = block[index] << 1 | (index < 15 ? block[index + 1] >> 7 : 0)
            }
            if block[0] & 0x80 != 0 { output[15] ^= 0x87 }
            return output
        }
        let k1 = double(AES128.encrypt(AES128.zeroBlock, key: key))
        return (k1, double(k1))
    }
}
