import GatehouseCore
import GatehouseNFC
import GatehouseTesting
import Testing

@Suite("libnfc against the PN532 emulator")
struct NFCDeviceTests {
    @Test("a card placed on the reader is selected with its UID; none placed, none found")
    func selectsPlacedCard() throws {
        let directory = TemporaryDirectory("gatehouse-nfc")
        let emulator = try PN532Emulator(link: directory.file("pn532"))
        let device = try NFCDevice(context: try NFCContext(), connection: emulator.connection)
        #expect(try device.selectCard() == nil)
        emulator.place(uid: [0x04, 0xA2, 0x0B, 0xC4])
        let card = try #require(try device.selectCard())
        #expect(card.normalizedUID == "04A20BC4")
        #expect(card.sak == 0x08)
    }
}
