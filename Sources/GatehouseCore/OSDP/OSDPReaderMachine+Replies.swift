extension OSDPReaderMachine {
    /// A packet from the bus for this reader (its address with the reply bit): what it means,
    /// and the machine moved on.
    public mutating func received(_ packet: OSDPPacket, now: Int64) -> [Event] {
        guard let sent = pending, packet.address == settings.address | 0x80 else { return [] }
        guard packet.sequence == sequence else { return [] }  // a stale reply; the timeout decides
        var packet = packet
        if let problem = unseal(&packet) {
            return restart(now: now, because: problem, offline: false) + [.secureChannelFailure(problem)]
        }
        advance()
        guard let reply = Reply(rawValue: packet.code) else { return [] }
        if reply == .nak {
            let code = packet.data.first ?? 0
            // A NAK to the default key's challenge is a reader that refuses it: not commissionable.
            let why = "the reader refused command 0x\(String(sent.code, radix: 16)) (NAK \(code))"
            return restart(now: now, because: why, offline: false) + (channel == nil && sent.code != 0x76 ? [.offline(why)] : [.secureChannelFailure(why)])
        }
        switch (phase, reply) {
        case (.identify, .pdid):
            identity = Self.identity(packet.data)
            phase = .capabilities
        case (.capabilities, .pdcap):
            capabilities = Self.capabilities(packet.data)
            return startChallenge(now: now)
        case (.challenge(let random, let defaultKey), .ccrypt):
            return challenged(packet.data, random: random, defaultKey: defaultKey, now: now)
        case (.cryptogram, .rmacI):
            guard var channel, let expected = expectedReplyMAC, packet.data == expected else {
                return restart(now: now, because: "the reader's initial R-MAC is wrong", offline: false) + [.secureChannelFailure("bad initial R-MAC")]
            }
            channel.start(initialReplyMAC: expected)
            self.channel = channel
            if usingDefaultKey {
                // Commissioning: the reader gets its own key before anything else.
                guard let own = ownKey else { return restart(now: now, because: "no key for this reader", offline: true) }
                phase = .keyset(key: own)
                return []
            }
            phase = .status
        case (.keyset, .ack):
            commissioned = true
            let events: [Event] = [.keyInstalled]
            (phase, channel, sequence) = (.identify, nil, 0)
            return events
        case (.status, .lstatr), (.polling, .lstatr):
            var events: [Event] = []
            if !isOnline {
                isOnline = true
                events.append(.online(identity))
            }
            phase = .polling
            if packet.data.count >= 2 { events += [.tamper(packet.data[0] != 0), .power(packet.data[1] == 0)] }
            return events
        case (.polling, .raw):
            guard packet.data.count >= 4 else { return [] }
            let bits = Int(packet.data[2]) | Int(packet.data[3]) << 8
            let bytes = packet.data.dropFirst(4)
            guard bits > 0, bits <= bytes.count * 8 else { return [] }
            return [.card(bits: (0..<bits).map { bytes[bytes.startIndex + $0 / 8] & (0x80 >> UInt8($0 % 8)) != 0 })]
        case (.polling, .keypad):
            guard packet.data.count >= 2 else { return [] }
            return [.keys(String(packet.data.dropFirst(2).compactMap(Self.key)))]
        case (.polling, .ack), (.polling, .busy):
            break
        default:
            break
        }
        return []
    }

    /// The reader's own key: from `[osdp_keys]`, or derived from the master key by its cUID.
    var ownKey: [UInt8]? {
        if let key = settings.key { return key }
        guard let master = settings.masterKey, clientID.count == 8 else { return nil }
        return OSDPSecureChannel.derivedKey(master: master, clientID: clientID)
    }

    /// The first challenge: the reader's own key, or (in install mode, never after this run
    /// commissioned it, and only once its own key was refused) the default key.
    mutating func startChallenge(now: Int64) -> [Event] {
        let useDefault = settings.install && !commissioned && ownKeyRefused
        guard useDefault || settings.key != nil || settings.masterKey != nil else {
            return restart(now: now, because: "no key for this reader in the secrets file ([osdp_keys] or osdp_master_key)", offline: true)
        }
        phase = .challenge(random: [], defaultKey: useDefault)
        return []
    }

    /// The reader's answer to the challenge: its cUID, its random and its cryptogram.
    mutating func challenged(_ data: [UInt8], random: [UInt8], defaultKey: Bool, now: Int64) -> [Event] {
        guard data.count >= 32 else { return restart(now: now, because: "a short CCRYPT", offline: false) + [.secureChannelFailure("short CCRYPT")] }
        clientID = Array(data[0..<8])
        let readerRandom = Array(data[8..<16]), cryptogram = Array(data[16..<32])
        guard let key = defaultKey ? OSDPSecureChannel.defaultKey : ownKey else {
            return restart(now: now, because: "no key for this reader", offline: true)
        }
        let channel = OSDPSecureChannel(key: key, controlRandom: random)
        guard channel.clientCryptogram(readerRandom: readerRandom) == cryptogram else {
            if !defaultKey, settings.install, !commissioned {
                // Perhaps still on the default key: try it, this once.
                let events = restart(now: now, because: "the reader's key is not its own", offline: false)
                ownKeyRefused = true
                retryAt = now
                return events
            }
            let why = defaultKey ? "the reader is not on the default key either" : "the reader's cryptogram does not match its key (a wrong key, or a reader not commissioned: set install = true)"
            return restart(now: now, because: why, offline: true) + [.secureChannelFailure("wrong key")]
        }
        let server = channel.serverCryptogram(readerRandom: readerRandom)
        self.channel = channel
        expectedReplyMAC = channel.initialReplyMAC(serverCryptogram: server)
        usingDefaultKey = defaultKey
        phase = .cryptogram
        // SCRYPT goes at once: the handshake is one exchange after another.
        scheduled = send(code: 0x77, data: server, block: [3, 0x13, defaultKey ? 0 : 1], now: now)
        return []
    }

    /// Checks a reply's MAC and decrypts its data, once the secure channel is up; the problem,
    /// or nil.
    mutating func unseal(_ packet: inout OSDPPacket) -> String? {
        switch phase {
        case .status, .polling, .keyset: return unsealActive(&packet)
        default: return nil
        }
    }

    private mutating func unsealActive(_ packet: inout OSDPPacket) -> String? {
        guard var channel else { return nil }
        guard let block = packet.securityBlock, block[1] >= 0x16, let mac = packet.mac else {
            // A KEYSET's ACK may come in clear: the reader has dropped the session already.
            if case .keyset = phase, packet.code == Reply.ack.rawValue { return nil }
            return packet.code == Reply.nak.rawValue ? nil : "a reply in clear text inside the secure channel"
        }
        let computed = channel.mac(packet.bytesBeforeMAC(withMAC: true), command: false)
        guard Array(computed.prefix(4)) == mac else { return "a reply with a bad MAC" }
        if block[1] == 0x18 {
            guard let plain = channel.decryptReplyData(packet.data) else { return "a reply that does not decrypt" }
            packet.data = plain
        }
        self.channel = channel
        return nil
    }

    static func identity(_ data: [UInt8]) -> String {
        guard data.count >= 12 else { return "unknown" }
        let vendor = data[0..<3].map { String(format2($0)) }.joined()
        let serial = UInt32(data[5]) | UInt32(data[6]) << 8 | UInt32(data[7]) << 16 | UInt32(data[8]) << 24
        return "vendor \(vendor) model \(data[3]) version \(data[4]) serial \(serial) firmware \(data[9]).\(data[10]).\(data[11])"
    }

    /// PDCAP's function codes (each a triple: code, compliance, number of items), by name.
    static func capabilities(_ data: [UInt8]) -> [String] {
        let names: [UInt8: String] = [
            1: "inputs", 2: "outputs", 3: "card data", 4: "LEDs", 5: "buzzer", 6: "text", 7: "clock", 8: "CRC", 9: "secure channel",
            12: "smart cards", 13: "readers", 14: "biometrics",
        ]
        return stride(from: 0, to: data.count - data.count % 3, by: 3).compactMap { names[data[$0]] }
    }

    static func format2(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }

    /// A keypad byte: digits in ASCII, `*` as 0x7F or '*', `#` as 0x0D or '#'.
    static func key(_ byte: UInt8) -> Character? {
        switch byte {
        case 0x30...0x39: Character(Unicode.Scalar(byte))
        case 0x7F, 0x2A: "*"
        case 0x0D, 0x23: "#"
        default: nil
        }
    }
}
