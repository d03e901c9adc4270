import GatehouseCore
import GatehouseTesting
import Testing

@Suite("gatehouse nfc, for installers")
struct NFCCommandTests {
    @Test("nfc read prints the UID of the card on the reader as the cache stores it")
    func readPrintsUID() throws {
        let directory = TemporaryDirectory("gatehouse-nfc")
        let emulator = try PN532Emulator(link: directory.file("pn532"))
        emulator.place(.ultralight([0x04, 0x0A, 0x00, 0xC4, 0x5D, 0x6E, 0x01]))
        let output = try GatehouseBinary.run(["nfc", "read", "--device", emulator.connection, "--timeout", "10s"])
        #expect(output.status == 0)
        #expect(output.standardOutput == "040A00C45D6E01\n")
        #expect(output.standardError.contains("7-byte UID, ATQA 0044, SAK 00"))
    }

    @Test("nfc read without a card gives up after its timeout; without a reader it names the device")
    func readFailures() throws {
        let directory = TemporaryDirectory("gatehouse-nfc")
        let emulator = try PN532Emulator(link: directory.file("pn532"))
        let empty = try GatehouseBinary.run(["nfc", "read", "--device", emulator.connection, "--timeout", "1s"])
        #expect(empty.status == 1 && empty.standardError.contains("no card on \(emulator.connection) within 1 s"))

        let missing = try GatehouseBinary.run(["nfc", "read", "--device", "pn532_uart:\(directory.file("nothing"))", "--timeout", "1s"])
        #expect(missing.status == 2 && missing.standardError.contains("pn532_uart:\(directory.file("nothing")): no reader answered"))
        #expect(try GatehouseBinary.run(["nfc", "read", "--device", emulator.connection, "--timeout", "0s"]).status != 0)
    }
}
