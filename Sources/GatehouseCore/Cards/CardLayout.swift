/// What Gatehouse puts on a card, and where a door looks for it (docs/decisions.md, "Cards
/// that can't be cloned").
///
/// DESFire EV2/EV3: application `47 48 01` (AES, three keys): key 0 the application's master
/// key, key 1 the door key, key 2 the site key that reads a random-ID card's real UID; file 1,
/// a 16-byte standard data file read with key 1 in `CommMode.Full` (or `.MAC`), holding the
/// ``CredentialFile``. NTAG 424 DNA: key 0 the application master key, key 1 the door key,
/// key 2 the SDM meta-read key (a site key), key 3 the SDM file-read key, key 4 unused but
/// changed; with SUN, the NDEF file holds a URL whose `e=` and `c=` parameters the tag fills in.
public enum CardLayout {
    /// The DESFire application id, as the card receives it.
    public static let desfireApplication: [UInt8] = [0x47, 0x48, 0x01]
    /// The credential file's number and size.
    public static let credentialFile: UInt8 = 0x01
    public static let credentialFileSize = 16
    /// Key numbers.
    public static let masterKey: UInt8 = 0
    public static let doorKey: UInt8 = 1
    /// DESFire: the site key that reads a random ID card's UID; NTAG 424: SDM meta read.
    public static let siteKey: UInt8 = 2
    /// NTAG 424: SDM file read.
    public static let sunFileKey: UInt8 = 3
    /// NTAG 424 DNA's application (ISO DF name) and NDEF file.
    public static let ntagApplication: [UInt8] = [0xD2, 0x76, 0x00, 0x00, 0x85, 0x01, 0x01]
    public static let ntagNDEFFile: UInt8 = 0x02
    /// How much of the NDEF file a door reads for the SUN message (the URL fits).
    public static let sunReadLength = 96

    /// Three bytes, least significant first (offsets, lengths, sizes).
    public static func three(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF)] }

    /// Whether an anticollision UID is a random ID (4 bytes starting `08`, ISO 14443-3).
    public static func isRandomID(_ uid: [UInt8]) -> Bool { uid.count == 4 && uid[0] == 0x08 }
}

/// The 16 bytes of a DESFire credential file: `GHC` 01, the UID's length, the UID (zero
/// padded to 10), a zero. A door reads it under the door key and checks it names the card.
public enum CredentialFile {
    public static func bytes(uid: [UInt8]) -> [UInt8] {
        precondition([4, 7, 10].contains(uid.count), "a 4-, 7- or 10-byte UID")
        return [0x47, 0x48, 0x43, 0x01, UInt8(uid.count)] + uid + [UInt8](repeating: 0, count: 11 - uid.count)
    }

    /// The UID the file names; nil when it is not a credential file.
    public static func uid(in file: [UInt8]) -> [UInt8]? {
        guard file.count == CardLayout.credentialFileSize, file.starts(with: [0x47, 0x48, 0x43, 0x01]), [4, 7, 10].contains(Int(file[4])) else { return nil }
        return Array(file[5..<(5 + Int(file[4]))])
    }
}
