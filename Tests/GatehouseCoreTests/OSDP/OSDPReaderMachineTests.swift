import GatehouseCore
import Testing

/// The control panel's reader machine against a reader written here from the same secure
/// channel arithmetic: the handshake, a reply with a bad MAC, a reply in clear text inside the
/// channel, a reply with the wrong sequence number, silence.
@Suite struct OSDPReaderMachineTests {
    static let key: [UInt8] = Array(1...16)

    /// A reader's side of the channel: answers each command the machine sends.
    struct Reader {
        var key: [UInt8]
        var channel: OSDPSecureChannel?
        let clientID: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        let random: [UInt8] = Array(0xA0...0xA7)

        /// The reply to `bytes`, sealed with a MAC once the channel is up; `damage` spoils it.
        mutating func answer(_ bytes: [UInt8], with reply: (code: UInt8, data: [UInt8])? = nil, clearText: Bool = false, damage: Bool = false, sequence: UInt8? = nil) throws -> OSDPPacket {
            let command = try OSDPPacket.parse(bytes[...]).packet
            var code: UInt8, data: [UInt8] = [], block: [UInt8]?
            switch command.code {
            case 0x61: (code, data) = (0x45, [0xCA, 0xFE, 0x01, 7, 1, 0x39, 0x30, 0, 0, 1, 2, 3])
            case 0x62: (code, data) = (0x46, [9, 1, 1])
            case 0x76:
                let channel = OSDPSecureChannel(key: key, controlRandom: command.data)
                self.channel = channel
                (code, data, block) = (0x76, clientID + random + channel.clientCryptogram(readerRandom: random), [3, 0x12, 1])
            case 0x77:
                guard var channel else { throw OSDPPacket.Problem.malformed("no challenge") }
                let mac = channel.initialReplyMAC(serverCryptogram: command.data)
                channel.start(initialReplyMAC: mac)
                self.channel = channel
                (code, data, block) = (0x78, mac, [3, 0x14, 1])
            default:
                // A command in the channel: its MAC checked, as a reader does.
                guard var channel, let mac = command.mac, Array(channel.mac(command.bytesBeforeMAC(withMAC: true), command: true).prefix(4)) == mac else {
                    throw OSDPPacket.Problem.malformed("the command's MAC is wrong")
                }
                self.channel = channel
                (code, data) = reply ?? (command.code == 0x64 ? (0x48, [0, 0]) : (0x40, []))
                block = clearText ? nil : [2, 0x16]
            }
            var packet = OSDPPacket(address: command.address | 0x80, sequence: sequence ?? command.sequence, securityBlock: block, code: code, data: data)
            if let block, block[1] == 0x16, var channel {
                packet.mac = Array(channel.mac(packet.bytesBeforeMAC(withMAC: true), command: false).prefix(4))
                self.channel = channel
                if damage { packet.mac![0] ^= 0xFF }
            }
            return packet
        }
    }

    /// The machine and a reader brought to polling in a secure channel.
    func online() throws -> (OSDPReaderMachine, Reader, Int64) {
        var machine = OSDPReaderMachine(settings: .init(address: 1, key: Self.key))
        var reader = Reader(key: Self.key)
        var now: Int64 = 1000
        var events: [OSDPReaderMachine.Event] = []
        for _ in 0..<6 {
            guard let bytes = machine.nextPacket(now: now, random: { Array(0xB0...0xB7) }) else { break }
            events += machine.received(try reader.answer(bytes), now: now)
            now += 10
        }
        #expect(machine.online)
        #expect(events.first == .online("vendor CAFE01 model 7 version 1 serial 12345 firmware 1.2.3"))
        return (machine, reader, now)
    }

    @Test func aHandshakeThenPollsInTheChannel() throws {
        var (machine, reader, now) = try online()
        let next = machine.nextPacket(now: now, random: { [] })
        let poll = try #require(next)
        let parsed = try OSDPPacket.parse(poll[...]).packet
        #expect(parsed.code == 0x60 && parsed.securityBlock == [2, 0x15] && parsed.mac?.count == 4)
        let card = try reader.answer(poll, with: (0x50, [0, 1, 26, 0, 0xBD, 0x88, 0xEB, 0x80]))
        let events = machine.received(card, now: now)
        #expect(events == [.card(bits: Array("10111101100010001110101110").map { $0 == "1" })])
        now += 10
    }

    @Test func aBadMACRestartsTheSession() throws {
        var (machine, reader, now) = try online()
        let next = machine.nextPacket(now: now, random: { [] })
        let poll = try #require(next)
        let events = machine.received(try reader.answer(poll, damage: true), now: now)
        #expect(events.contains(.secureChannelFailure("a reply with a bad MAC")))
        #expect(events.contains { if case .offline = $0 { true } else { false } })
        #expect(!machine.online)
        // It starts over with identification, after the retry pause.
        let early = machine.nextPacket(now: now, random: { [] })
        #expect(early == nil)
        let retried = machine.nextPacket(now: now + OSDPReaderMachine.retryMilliseconds, random: { [] })
        let again = try #require(retried)
        #expect(try OSDPPacket.parse(again[...]).packet.code == 0x61)
    }

    @Test func aReplyInClearTextInsideTheChannelIsRefused() throws {
        var (machine, reader, now) = try online()
        let next = machine.nextPacket(now: now, random: { [] })
        let poll = try #require(next)
        let events = machine.received(try reader.answer(poll, with: (0x50, [0, 1, 26, 0, 0xBD, 0x88, 0xEB, 0x80]), clearText: true), now: now)
        #expect(events.contains(.secureChannelFailure("a reply in clear text inside the secure channel")))
        #expect(!events.contains { if case .card = $0 { true } else { false } }, "a card in clear text is never taken")
    }

    @Test func aReplyWithAnotherSequenceIsIgnoredAndSilenceIsOffline() throws {
        var (machine, reader, now) = try online()
        let next = machine.nextPacket(now: now, random: { [] })
        let poll = try #require(next)
        let stale = try reader.answer(poll, sequence: 0)
        #expect(machine.received(stale, now: now).isEmpty)
        var events: [OSDPReaderMachine.Event] = []
        for _ in 0..<OSDPReaderMachine.missesBeforeOffline {
            now += OSDPReaderMachine.replyTimeoutMilliseconds
            events += machine.tick(now: now)
            _ = machine.nextPacket(now: now, random: { [] })
        }
        #expect(events == [.offline("no reply to 3 commands in a row")])
    }

    @Test func aWrongKeyIsRefusedAndTheDefaultKeyNeverTriedWithoutInstall() throws {
        var machine = OSDPReaderMachine(settings: .init(address: 1, key: Self.key))
        var reader = Reader(key: OSDPSecureChannel.defaultKey)
        var events: [OSDPReaderMachine.Event] = []
        var challenges: [[UInt8]] = []
        for step in 0..<8 {
            guard let bytes = machine.nextPacket(now: Int64(step) * 2000, random: { Array(0xB0...0xB7) }) else { continue }
            let packet = try OSDPPacket.parse(bytes[...]).packet
            if packet.code == 0x76 { challenges.append(packet.securityBlock ?? []) }
            events += machine.received(try reader.answer(bytes), now: Int64(step) * 2000)
        }
        #expect(events.contains(.secureChannelFailure("wrong key")))
        #expect(!machine.online)
        #expect(!challenges.isEmpty && challenges.allSatisfy { $0 == [3, 0x11, 1] }, "only the reader's own key is offered")
    }
}
