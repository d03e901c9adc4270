import GatehouseCore

/// A card a reader selected: its UID and its answers to the activation, copied out of libnfc.
public struct NFCCard: Sendable, Equatable {
    public var uid: [UInt8]
    /// SENS_RES, two bytes as the card sent them.
    public var atqa: [UInt8]
    /// SEL_RES.
    public var sak: UInt8

    public init(uid: [UInt8], atqa: [UInt8], sak: UInt8) {
        self.uid = uid
        self.atqa = atqa
        self.sak = sak
    }

    /// The UID as the cache stores badge UIDs: uppercase hex, every byte, leading zeros kept.
    public var normalizedUID: String { BadgeUID.hex(uid) }
}
