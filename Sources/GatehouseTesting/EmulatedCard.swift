/// An ISO 14443A card as the PN532 emulator reports it: its UID and the answers to the
/// activation (ATQA, SAK and, for ISO 14443-4 cards, the ATS).
public struct EmulatedCard: Sendable, Equatable {
    public var uid: [UInt8]
    /// SENS_RES, in the order the PN532 sends it.
    public var atqa: [UInt8]
    /// SEL_RES.
    public var sak: UInt8
    /// The ATS, its length byte first; empty unless the SAK says ISO 14443-4.
    public var ats: [UInt8]

    public init(uid: [UInt8], atqa: [UInt8], sak: UInt8, ats: [UInt8] = []) {
        precondition([4, 7, 10].contains(uid.count), "ISO 14443A UIDs are 4, 7 or 10 bytes")
        self.uid = uid
        self.atqa = atqa
        self.sak = sak
        self.ats = ats
    }

    /// A MIFARE Classic 1K: a 4-byte UID.
    public static func mifareClassic(_ uid: [UInt8]) -> EmulatedCard { EmulatedCard(uid: uid, atqa: [0x00, 0x04], sak: 0x08) }
    /// A MIFARE Ultralight or NTAG: a 7-byte UID.
    public static func ultralight(_ uid: [UInt8]) -> EmulatedCard { EmulatedCard(uid: uid, atqa: [0x00, 0x44], sak: 0x00) }
    /// A MIFARE DESFire EV1: a 7-byte UID, ISO 14443-4, with an ATS.
    public static func desfire(_ uid: [UInt8]) -> EmulatedCard {
        EmulatedCard(uid: uid, atqa: [0x03, 0x44], sak: 0x20, ats: [0x06, 0x75, 0x77, 0x81, 0x02, 0x80])
    }
    /// A card with a triple-size (10-byte) UID.
    public static func tripleSize(_ uid: [UInt8]) -> EmulatedCard { EmulatedCard(uid: uid, atqa: [0x00, 0x84], sak: 0x00) }

    /// The usual card for a UID of this length.
    public static func typical(_ uid: [UInt8]) -> EmulatedCard {
        switch uid.count {
        case 4: mifareClassic(uid)
        case 7: ultralight(uid)
        default: tripleSize(uid)
        }
    }

    /// The target data of an InListPassiveTarget response for this card as target 1.
    var targetData: [UInt8] {
        [0x01] + atqa + [sak, UInt8(uid.count)] + uid + ats
    }
}
