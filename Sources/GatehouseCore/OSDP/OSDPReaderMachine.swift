/// One OSDP reader on a bus, as the control panel sees it: a pure state machine that says what
/// to send next and what each reply (or its absence) means. It identifies the reader, opens a
/// secure channel (never a session in clear text), commissions a reader still on the default
/// key when its `install` flag allows, polls, and turns replies into events. Time comes in as
/// monotonic milliseconds; randomness from the caller.
public struct OSDPReaderMachine: Sendable {
    /// What the configuration and the secrets file say of the reader.
    public struct Settings: Sendable, Equatable {
        public var address: UInt8
        /// The reader's own base key, from `[osdp_keys]`; nil: derived from the master key.
        public var key: [UInt8]?
        /// The site's `osdp_master_key`, from which a reader's key is derived by its cUID.
        public var masterKey: [UInt8]?
        /// Whether a reader on the default key SCBK-D may be commissioned (given its key).
        public var install: Bool

        public init(address: UInt8, key: [UInt8]? = nil, masterKey: [UInt8]? = nil, install: Bool = false) {
            self.address = address
            self.key = key
            self.masterKey = masterKey
            self.install = install
        }
    }

    /// What a reply meant.
    public enum Event: Sendable, Equatable {
        /// The reader answers in a secure channel: its identity (vendor, model, serial, firmware).
        case online(String)
        /// The reader stopped answering, or cannot be used, with why.
        case offline(String)
        /// Card bits, first bit first.
        case card(bits: [Bool])
        case keys(String)
        case tamper(Bool)
        /// Power: true when it is normal.
        case power(Bool)
        /// A secure channel failure (a bad MAC, a wrong key, a reply in clear text): the session
        /// restarts; counted as a fault.
        case secureChannelFailure(String)
        /// The reader was given its own key from the default one (KEYSET acknowledged).
        case keyInstalled
    }

    /// The reply codes of OSDP v2.
    enum Reply: UInt8 {
        case ack = 0x40, nak = 0x41, pdid = 0x45, pdcap = 0x46, lstatr = 0x48, raw = 0x50, keypad = 0x53, ccrypt = 0x76, rmacI = 0x78, busy = 0x79
    }

    enum Phase: Sendable, Equatable {
        case identify, capabilities
        /// CHLNG sent with the control random, on the default key or the reader's own.
        case challenge(random: [UInt8], defaultKey: Bool)
        case cryptogram
        case keyset(key: [UInt8])
        case status, polling
    }

    public static let replyTimeoutMilliseconds: Int64 = 200
    public static let missesBeforeOffline = 3
    public static let retryMilliseconds: Int64 = 1000

    public let settings: Settings
    var phase = Phase.identify
    var sequence: UInt8 = 0
    var channel: OSDPSecureChannel?
    var pending: (code: UInt8, sentAt: Int64)?
    var misses = 0
    var isOnline = false
    var identity = ""
    /// What the reader's PDCAP reply says it can do, by name.
    var capabilities: [String] = []
    var clientID: [UInt8] = []
    /// When a reader that is down may be tried again.
    var retryAt: Int64 = 0
    /// Given its own key in this run: the default key is never tried again (no downgrade).
    var commissioned = false
    /// Whether the reader's own key was tried and refused in this attempt (then SCBK-D, in install).
    var ownKeyRefused = false
    var outgoing: [(code: UInt8, data: [UInt8])] = []
    /// The initial R-MAC the reader must send, once the challenge is answered.
    var expectedReplyMAC: [UInt8]?
    /// Whether the session being opened runs on SCBK-D (then KEYSET comes first).
    var usingDefaultKey = false
    /// A packet to send at once, without waiting for a turn (the handshake's SCRYPT, KEYSET).
    var scheduled: [UInt8]?

    public init(settings: Settings) {
        self.settings = settings
    }

    /// Whether the reader answers in a secure channel.
    public var online: Bool { isOnline }
    /// The reader's identity and capabilities, once known (never a key).
    public var readerIdentity: String { capabilities.isEmpty ? identity : "\(identity); \(capabilities.joined(separator: ", "))" }

    /// Queues a command for the reader (an LED or a buzzer), sent at its next turn.
    public mutating func queue(code: UInt8, data: [UInt8]) {
        if outgoing.count < 8 { outgoing.append((code, data)) }
    }

    /// The packet to send now, or nil (a reply awaited, or a reader down waiting to be retried).
    public mutating func nextPacket(now: Int64, random: () -> [UInt8]) -> [UInt8]? {
        if let scheduled {
            self.scheduled = nil
            return scheduled
        }
        guard pending == nil, now >= retryAt else { return nil }
        let (code, data, block): (UInt8, [UInt8], [UInt8]?)
        switch phase {
        case .identify: (code, data, block) = (0x61, [0], nil)
        case .capabilities: (code, data, block) = (0x62, [0], nil)
        case .challenge(_, let defaultKey):
            let nonce = random()
            phase = .challenge(random: nonce, defaultKey: defaultKey)
            (code, data, block) = (0x76, nonce, [3, 0x11, defaultKey ? 0 : 1])
        case .cryptogram:
            return nil  // SCRYPT is scheduled when CCRYPT arrives
        case .keyset(let key): (code, data, block) = (0x75, [1, 16] + key, [2, 0x17])
        case .status: (code, data, block) = (0x64, [], [2, 0x15])
        case .polling:
            if !outgoing.isEmpty {
                let next = outgoing.removeFirst()
                (code, data, block) = (next.code, next.data, [2, next.data.isEmpty ? 0x15 : 0x17])
            } else {
                (code, data, block) = (0x60, [], [2, 0x15])
            }
        }
        return send(code: code, data: data, block: block, now: now)
    }

    /// A packet's bytes, sealed when the secure channel is up.
    mutating func send(code: UInt8, data: [UInt8], block: [UInt8]?, now: Int64) -> [UInt8] {
        pending = (code, now)
        var packet = OSDPPacket(address: settings.address, sequence: sequence, securityBlock: block, code: code, data: data)
        if let type = block?[1], type >= 0x15, var channel {
            if type == 0x17 { packet.data = channel.encryptCommandData(data) }
            packet.mac = Array(channel.mac(packet.bytesBeforeMAC(withMAC: true), command: true).prefix(4))
            self.channel = channel
        }
        return packet.encoded
    }

    /// The time passed without a reply: a miss; several in a row, offline.
    public mutating func tick(now: Int64) -> [Event] {
        guard let sent = pending, now - sent.sentAt >= Self.replyTimeoutMilliseconds else { return [] }
        pending = nil
        misses += 1
        guard misses >= Self.missesBeforeOffline else { return [] }
        return restart(now: now, because: "no reply to \(misses) commands in a row", offline: true)
    }

    /// Starts over from identification; offline when it was online (or `offline`).
    mutating func restart(now: Int64, because reason: String, offline: Bool) -> [Event] {
        let wasOnline = isOnline
        (phase, sequence, channel, pending, misses, isOnline, ownKeyRefused) = (.identify, 0, nil, nil, 0, false, false)
        (scheduled, expectedReplyMAC, usingDefaultKey) = (nil, nil, false)
        retryAt = now + Self.retryMilliseconds
        return wasOnline || offline ? [.offline(reason)] : []
    }

    /// The next sequence number after a good reply: 1, 2, 3, 1, …
    mutating func advance() {
        pending = nil
        misses = 0
        sequence = sequence % 3 + 1
    }
}
