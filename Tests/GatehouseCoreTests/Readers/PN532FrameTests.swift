import GatehouseTesting
import Testing

@Suite("The PN532 emulator's frames")
struct PN532FrameTests {
    @Test("a command is found after wake-up bytes; ACKs are recognised; a split frame waits for its end")
    func parses() {
        // GetFirmwareVersion as libnfc sends it, after the HSU wake-up preamble.
        var buffer: [UInt8] = [0x55, 0x55, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0x02, 0xFE, 0xD4, 0x02, 0x2A]
        #expect(PN532Frame.take(from: &buffer) == nil)
        buffer.append(0x00)
        #expect(PN532Frame.take(from: &buffer) == .command(code: 0x02, parameters: []))
        buffer += PN532Frame.ackBytes
        #expect(PN532Frame.take(from: &buffer) == .ack)
        #expect(buffer.isEmpty)
    }

    @Test("a frame with a wrong checksum is damaged; a response carries TFI D5, the code plus one and its checksums")
    func checksums() {
        var damaged: [UInt8] = [0x00, 0x00, 0xFF, 0x02, 0xFE, 0xD4, 0x02, 0x2B, 0x00]
        #expect(PN532Frame.take(from: &damaged) == .damaged)
        #expect(PN532Frame.response(to: 0x02, [0x32, 0x01, 0x06, 0x07]) == [0x00, 0x00, 0xFF, 0x06, 0xFA, 0xD5, 0x03, 0x32, 0x01, 0x06, 0x07, 0xE8, 0x00])
    }
}
