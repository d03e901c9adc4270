import GatehouseCore
import GatehouseNFC
import GatehouseTesting
import Testing

/// Authenticated cards through real libnfc: the software DESFire EV2 and NTAG 424 DNA inside the
/// PN532 emulator, exchanged with through libnfc's ISO 14443-4 transceive.
@Suite("authenticated cards through libnfc")
struct AuthenticatedCardTests {
    static let uid: [UInt8] = [0x04, 0x5A, 0x11, 0x22, 0x33, 0x44, 0x80]
    let keys = CardKeys(masters: [1: Array(1...16)], site: "acme-plant")

    func issued() throws -> SoftwareDESFire {
        let card = SoftwareDESFire(uid: Self.uid)
        var random = SystemRandomNumberGenerator()
        _ = try CardIssuer(keys: keys, version: 1).issueDESFire(over: card, fullFileMode: true, force: false, random: &random)
        return card
    }

    func reader(_ emulator: PN532Emulator, _ security: ReaderConfig.CardSecurity = .desfire) throws -> NFCBadgeReader {
        let reader = NFCBadgeReader(
            context: try NFCContext(), connection: emulator.connection, authenticator: CardAuthenticator(security: security, keys: keys, site: "acme-plant"))
        try reader.open()
        return reader
    }

    @Test("a genuine DESFire is authenticated through libnfc; its UID on another card is not")
    func genuineAndClone() throws {
        let directory = TemporaryDirectory("gatehouse-nfc")
        let emulator = try PN532Emulator(link: directory.file("pn532"))
        let reader = try reader(emulator)
        defer { reader.close() }
        emulator.place(try issued())
        guard case .checkedCard(let check)? = try reader.read() else { Issue.record("no card read"); return }
        #expect(check.isAuthentic)
        #expect(check.uid == Self.uid)
        #expect(emulator.exchangeCount >= 6)
        // Held: the outcome is repeated, not checked again.
        let exchanges = emulator.exchangeCount
        #expect(try reader.read() == .checkedCard(check))
        #expect(emulator.exchangeCount == exchanges)
        // The same UID on a magic MIFARE Classic, and on a blank DESFire.
        emulator.remove()
        #expect(try reader.read() == nil)
        emulator.place(.mifareClassic([0x04, 0x5A, 0x11, 0x22]))
        guard case .checkedCard(let magic)? = try reader.read() else { Issue.record("no card read"); return }
        #expect(magic.failure?.reason == .wrongCard)
        emulator.remove()
        _ = try reader.read()
        emulator.place(SoftwareDESFire(uid: Self.uid))
        guard case .checkedCard(let blank)? = try reader.read() else { Issue.record("no card read"); return }
        #expect(blank.failure?.reason == .notIssued)
        #expect(blank.uid == Self.uid)
    }

    @Test("a card taken away during authentication is not authentic, and is checked afresh when it comes back")
    func removedHalfway() throws {
        let directory = TemporaryDirectory("gatehouse-nfc")
        let emulator = try PN532Emulator(link: directory.file("pn532"))
        let reader = try reader(emulator)
        defer { reader.close() }
        let card = try issued()
        emulator.place(card)
        emulator.remove(afterExchanges: 3)
        guard case .checkedCard(let check)? = try reader.read() else { Issue.record("no card read"); return }
        #expect(check.failure?.reason == .removed)
        #expect(try reader.read() == nil)
        emulator.place(card)
        guard case .checkedCard(let again)? = try reader.read() else { Issue.record("no card read"); return }
        #expect(again.isAuthentic)
    }

    @Test("an NTAG 424 DNA's SUN message is checked through libnfc, and each read is new")
    func sunThroughLibnfc() throws {
        let directory = TemporaryDirectory("gatehouse-nfc")
        let emulator = try PN532Emulator(link: directory.file("pn532"))
        let reader = try reader(emulator, .ntag424(sun: true))
        defer { reader.close() }
        let tag = SoftwareNTAG424(uid: Self.uid)
        var random = SystemRandomNumberGenerator()
        _ = try CardIssuer(keys: keys, version: 1).issueNTAG424(over: tag, uid: Self.uid, sun: true, random: &random)
        for _ in 0..<2 {
            emulator.place(tag)
            guard case .checkedCard(let check)? = try reader.read() else { Issue.record("no card read"); return }
            #expect(check.isAuthentic)
            emulator.remove()
            #expect(try reader.read() == nil)
        }
        #expect(tag.readCounter == 2)
    }
}
