/// NTAG 424 DNA's Secure Unique NFC message (datasheet section 9.3; AN12196 section 3): the
/// tag fills its NDEF URL with `e=` PICCData (tag ‖ UID ‖ SDMReadCtr, AES-encrypted under the
/// SDM meta-read key) and `c=` SDMMAC (the truncated CMAC under a session key derived from the
/// SDM file-read key, the UID and the counter) at each read. Checked here offline; the counter's
/// growth is the caller's to check.
public enum SUNMessage {
    /// The URL template ``CardLayout`` writes, with the places the tag fills in.
    public static func template(base: String = "gatehouse.invalid/c") -> (url: String, eOffset: Int, cOffset: Int) {
        let head = "\(base)?e="
        let url = head + String(repeating: "0", count: 32) + "&c=" + String(repeating: "0", count: 16)
        return (url, head.utf8.count, head.utf8.count + 32 + 3)
    }

    /// The NDEF file of a URI record `https://` + `url`: NLEN, then the record.
    public static func ndefFile(url: String) -> [UInt8] {
        let payload = [0x04] + Array(url.utf8)  // 0x04: "https://"
        precondition(payload.count < 256, "a short record")
        let record: [UInt8] = [0xD1, 0x01, UInt8(payload.count), 0x55] + payload
        return [UInt8(record.count >> 8), UInt8(record.count & 0xFF)] + record
    }

    /// Where in the NDEF file the URL's text begins (NLEN, the record header, the prefix byte).
    public static let urlOffsetInFile = 2 + 4 + 1

    /// The `e` and `c` values of a URL in an NDEF file: 16 and 8 bytes; nil when absent or not hex.
    public static func parameters(inFile file: [UInt8]) -> (picc: [UInt8], mac: [UInt8])? {
        func value(after name: String, _ length: Int) -> [UInt8]? {
            let needle = Array(name.utf8)
            guard file.count >= needle.count else { return nil }
            for start in 0...(file.count - needle.count) where file[start..<(start + needle.count)].elementsEqual(needle) {
                let from = start + needle.count
                guard file.count >= from + length * 2 else { return nil }
                return Hex.bytes(String(decoding: file[from..<(from + length * 2)], as: UTF8.self))
            }
            return nil
        }
        guard let picc = value(after: "?e=", 16) ?? value(after: "&e=", 16), let mac = value(after: "&c=", 8) else { return nil }
        return (picc, mac)
    }

    /// PICCData decrypted: the UID and the read counter; nil when the tag byte does not say a
    /// 7-byte UID and a counter are mirrored (a wrong meta-read key, most often).
    public static func decryptPICCData(_ encrypted: [UInt8], metaKey: [UInt8]) -> (uid: [UInt8], counter: UInt32)? {
        guard encrypted.count == 16, let plain = AES128.decryptCBC(encrypted, key: metaKey), plain[0] == 0xC7 else { return nil }
        let counter = UInt32(plain[8]) | UInt32(plain[9]) << 8 | UInt32(plain[10]) << 16
        return (Array(plain[1..<8]), counter)
    }

    /// PICCData encrypted, as the tag makes it (a random fills the block).
    public static func encryptPICCData(uid: [UInt8], counter: UInt32, metaKey: [UInt8], filler: [UInt8]) -> [UInt8] {
        precondition(uid.count == 7 && filler.count == 5, "a 7-byte UID and 5 random bytes")
        return AES128.encryptCBC([0xC7] + uid + counterBytes(counter) + filler, key: metaKey)
    }

    /// SDMMAC: CMAC under KSesSDMFileReadMAC = CMAC(file-read key, `3CC3 0001 0080` ‖ UID ‖
    /// SDMReadCtr), over the bytes between SDMMACInputOffset and SDMMACOffset, truncated.
    public static func mac(fileKey: [UInt8], uid: [UInt8], counter: UInt32, input: [UInt8] = []) -> [UInt8] {
        let vector: [UInt8] = [0x3C, 0xC3, 0x00, 0x01, 0x00, 0x80] + uid + counterBytes(counter)
        return AES128.truncated(AES128.cmac(input, key: AES128.cmac(vector, key: fileKey)))
    }

    static func counterBytes(_ counter: UInt32) -> [UInt8] {
        [UInt8(counter & 0xFF), UInt8(counter >> 8 & 0xFF), UInt8(counter >> 16 & 0xFF)]
    }
}
