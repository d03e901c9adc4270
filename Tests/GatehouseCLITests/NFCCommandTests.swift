import GatehouseCore
import GatehouseNFC
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
        #expect(missing.status == 2 && missing.standardError.contains("pn532_uart:\(directory.file("nothing")): no reader answered: no device at \(directory.file("nothing")): is the reader plugged in"), "\(missing.standardError)")
        // A terminal nobody answers on: the port is there, but no PN532.
        let silent = try PseudoTerminal()
        let mute = try GatehouseBinary.run(["nfc", "read", "--device", "pn532_uart:\(silent.path)", "--timeout", "1s"])
        #expect(mute.status == 2 && mute.standardError.contains("\(silent.path) is there and opens, but no PN532 answered on it"), "\(mute.standardError)")
        let typo = try GatehouseBinary.run(["nfc", "read", "--device", "pn532-uart:/dev/ttyUSB0", "--timeout", "1s"])
        #expect(typo.status == 2 && typo.standardError.contains("\"pn532-uart\" is not one of libnfc's drivers"), "\(typo.standardError)")
        #expect(try GatehouseBinary.run(["nfc", "read", "--device", emulator.connection, "--timeout", "0s"]).status != 0)
    }

    @Test("why no reader answered: no device, permission, an unknown driver, the kernel's driver holding a USB reader")
    func diagnosis() {
        func probe(exists: Bool = true, writable: Bool = true, module: String? = nil) -> NFCDiagnosis {
            NFCDiagnosis(probe: .init(exists: { _ in exists }, readableAndWritable: { _ in writable }, moduleLoaded: { $0 == module }))
        }
        #expect(probe(exists: false).explain("pn532_uart:/dev/ttyUSB0").hasPrefix("no device at /dev/ttyUSB0"))
        #expect(probe(writable: false).explain("pn532_uart:/dev/ttyUSB0:115200").hasPrefix("permission denied on /dev/ttyUSB0: its group (usually dialout)"))
        #expect(probe().explain("pn532_uart:/dev/ttyUSB0").contains("no PN532 answered on it"))
        #expect(probe().explain("pn532_uart").hasPrefix("pn532_uart needs the device file"))
        #expect(probe(module: "pn533_usb").explain("acr122_usb").hasPrefix("the kernel's pn533_usb driver holds USB NFC readers"))
        #expect(probe().explain("acr122_usb").hasPrefix("no acr122_usb reader answered: is it plugged in (lsusb)?"))
        #expect(probe().explain("pn533:usb").hasPrefix("\"pn533\" is not one of libnfc's drivers"))
    }
}
