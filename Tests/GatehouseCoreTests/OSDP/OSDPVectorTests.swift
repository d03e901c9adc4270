import GatehouseCore
import Testing

/// The OSDP specification's Annex E examples (as transcribed in libosdp's
/// tests/unit-tests/test-sc-sia-vectors.c): CRC, checksum, and the secure channel's session
/// keys, cryptograms and initial R-MAC for SCBK-D.
@Suite struct OSDPVectorTests {
    @Test func crcAndChecksumExamples() {
        #expect(OSDPPacket.crc16([0x53, 0x7F, 0x0D, 0x00, 0x04, 0x6E, 0x00, 0x80, 0x25, 0x00, 0x00]) == 0x386E)
        #expect(OSDPPacket.crc16([0x53, 0x00, 0x09, 0x00, 0x04, 0x61, 0x00]) == 0x66C0)
        #expect(OSDPPacket.checksum([0x53, 0x7F, 0x0C, 0x00, 0x00, 0x6E, 0x00, 0x80, 0x25, 0x00, 0x00]) == 0x0F)
        #expect(OSDPPacket.checksum([0x53, 0x00, 0x08, 0x00, 0x00, 0x61, 0x00]) == 0x44)
    }

    @Test func theIDCommandOfAnnexERoundTrips() throws {
        let packet = OSDPPacket(address: 0, sequence: 0, code: 0x61, data: [0x00])
        #expect(packet.encoded == [0x53, 0x00, 0x09, 0x00, 0x04, 0x61, 0x00, 0xC0, 0x66])
        let (parsed, consumed) = try OSDPPacket.parse([0xFF] + packet.encoded + [0x53][...])
        #expect(parsed == packet && consumed == 10)
        var damaged = packet.encoded
        damaged[6] = 1
        #expect(throws: OSDPPacket.Problem.badCheck) { try OSDPPacket.parse(damaged[...]) }
        #expect(throws: OSDPPacket.Problem.incomplete) { try OSDPPacket.parse(packet.encoded.prefix(6)) }
    }

    @Test func secureChannelWithTheDefaultKey() {
        let channel = OSDPSecureChannel(key: OSDPSecureChannel.defaultKey, controlRandom: Array(0xB0...0xB7))
        let reader: [UInt8] = Array(0xA0...0xA7)
        #expect(channel.clientCryptogram(readerRandom: reader) == [0xFD, 0xE5, 0xD2, 0xF4, 0x28, 0xEC, 0x16, 0x31, 0x24, 0x71, 0xEA, 0x3C, 0x02, 0xBD, 0x77, 0x96])
        let server = channel.serverCryptogram(readerRandom: reader)
        #expect(server == [0x26, 0xD3, 0x35, 0x6E, 0x07, 0x76, 0x2D, 0x26, 0x28, 0x01, 0xFC, 0x8E, 0x66, 0x65, 0xA8, 0x91])
        #expect(channel.initialReplyMAC(serverCryptogram: server) == [0xB2, 0xA3, 0x00, 0x57, 0xEB, 0x98, 0xBA, 0x22, 0x29, 0xEC, 0x1F, 0x87, 0x56, 0x62, 0xB5, 0x24])
        #expect("\(channel)" == "OSDPSecureChannel(keys hidden)")
    }

    @Test func encryptedDataRoundTripsBetweenTwoEnds() {
        // The control panel's end encrypts and MACs a command; a reader's end (the same keys,
        // the same chain) checks the MAC; the reply goes back the other way.
        var panel = OSDPSecureChannel(key: Array(1...16), controlRandom: Array(0xB0...0xB7))
        panel.start(initialReplyMAC: Array(repeating: 7, count: 16))
        var reader = panel
        let data = panel.encryptCommandData([1, 16] + Array(100..<116))
        #expect(data.count == 32)
        #expect(panel.mac([0x53] + data, command: true) == reader.mac([0x53] + data, command: true))
        // A reply's data, encrypted as the reader does: the complement of the command MAC as IV.
        let replyMAC = reader.mac([0x53, 0x40], command: false)
        #expect(panel.mac([0x53, 0x40], command: false) == replyMAC)
        #expect(panel.decryptReplyData([]) == [])
        #expect(panel.decryptReplyData([UInt8](repeating: 0, count: 15)) == nil)
    }
}
