/// The native commands of a MIFARE DESFire EV2/EV3 (and the ones NTAG 424 DNA shares), as
/// ISO 7816-4 wrapped APDUs over a ``CardTransport``, with EV2 secure messaging once
/// ``authenticate(key:number:random:)`` has made a session. Pure: the transport is the only way
/// out, and the random comes from the caller.
public struct DESFireCard<Transport: CardTransport> {
    public let transport: Transport
    /// The session after an authentication; nil before, and after the authenticated key changed.
    public var session: EV2Session?

    public init(_ transport: Transport) {
        self.transport = transport
    }

    /// One command, and its response with any `91AF` additional frames fetched and joined.
    public func exchange(_ apdu: [UInt8]) throws(CardFailure) -> [UInt8] {
        var response = try transport.transmit(apdu)
        var joined: [UInt8] = []
        var frames = 0
        while response.count >= 2, response.suffix(2) == [0x91, 0xAF] {
            frames += 1
            guard frames <= 64 else { throw CardFailure(.protocolError, "more than 64 additional frames") }
            joined += response.dropLast(2)
            response = try transport.transmit(EV2Session.apdu(code: 0xAF, []))
        }
        return joined + response
    }

    /// SelectApplication (5A): the application `aid` (three bytes; `000000` is the card level).
    public mutating func selectApplication(_ aid: [UInt8]) throws(CardFailure) {
        _ = try EV2Session.payload(exchange(EV2Session.apdu(code: 0x5A, aid)), doing: "selecting the application")
        session = nil
    }

    /// ISOSelectFile by DF name (NTAG 424 DNA's application).
    public mutating func selectFile(name: [UInt8]) throws(CardFailure) {
        let apdu: [UInt8] = [0x00, 0xA4, 0x04, 0x0C, UInt8(name.count)] + name + [0x00]
        _ = try EV2Session.payload(exchange(apdu), doing: "selecting the application")
        session = nil
    }

    /// GetKeyVersion (64) in clear, before any authentication.
    public func keyVersion(_ number: UInt8) throws(CardFailure) -> UInt8 {
        let data = try EV2Session.payload(exchange(EV2Session.apdu(code: 0x64, [number])), doing: "reading key \(number)'s version")
        guard data.count == 1 else { throw CardFailure(.protocolError, "reading key \(number)'s version: \(data.count) bytes") }
        return data[0]
    }

    /// AuthenticateEV2First with key `number`.
    public mutating func authenticate(key: [UInt8], number: UInt8, random: inout some RandomNumberGenerator) throws(CardFailure) {
        session = nil
        session = try EV2Authentication.run(on: transport, keyNumber: number, key: key, random: &random)
    }

    /// GetCardUID (51) in `CommMode.Full`: the card's real UID.
    public mutating func cardUID() throws(CardFailure) -> [UInt8] {
        let uid = try secure(code: 0x51, full: true, responseFull: true, doing: "reading the card's UID")
        guard [4, 7, 10].contains(uid.count) else { throw CardFailure(.protocolError, "reading the card's UID: \(uid.count) bytes") }
        return uid
    }

    /// ReadData (AD) of `length` bytes at `offset` of `file`, in `CommMode.Full` or `.MAC`.
    public mutating func read(file: UInt8, offset: Int = 0, length: Int, full: Bool) throws(CardFailure) -> [UInt8] {
        let data = try secure(code: 0xAD, header: [file] + CardLayout.three(offset) + CardLayout.three(length), full: full, responseFull: full, doing: "reading file \(file)")
        guard data.count == length else { throw CardFailure(.protocolError, "reading file \(file): \(data.count) bytes, not \(length)") }
        return data
    }

    /// WriteData (`code` 3D on DESFire, 8D on NTAG 424) at `offset` of `file`.
    public mutating func write(file: UInt8, offset: Int = 0, _ data: [UInt8], full: Bool, code: UInt8 = 0x3D) throws(CardFailure) {
        _ = try secure(code: code, header: [file] + CardLayout.three(offset) + CardLayout.three(data.count), data: data, full: full, responseFull: false, doing: "writing file \(file)")
    }

    /// GetApplicationIDs (6A) at the card level, in clear: every application's id.
    public func applicationIDs() throws(CardFailure) -> [[UInt8]] {
        let data = try EV2Session.payload(exchange(EV2Session.apdu(code: 0x6A, [])), doing: "listing the applications")
        guard data.count % 3 == 0 else { throw CardFailure(.protocolError, "listing the applications: \(data.count) bytes") }
        return stride(from: 0, to: data.count, by: 3).map { Array(data[$0..<($0 + 3)]) }
    }

    /// CreateApplication (CA) at the card level, in clear: `keys` AES keys, all zero.
    public func createApplication(_ aid: [UInt8], keys: UInt8, settings: UInt8 = 0x09) throws(CardFailure) {
        _ = try EV2Session.payload(exchange(EV2Session.apdu(code: 0xCA, aid + [settings, 0x80 | keys])), doing: "creating the application")
    }

    /// CreateStdDataFile (CD): `size` bytes; `mode` 0 clear, 1 MAC, 3 full; access rights as
    /// the card stores them (RW ‖ Change, Read ‖ Write).
    public mutating func createDataFile(_ file: UInt8, size: Int, mode: UInt8, access: [UInt8]) throws(CardFailure) {
        _ = try secure(code: 0xCD, header: [file], data: [mode] + access + CardLayout.three(size), full: false, responseFull: false, doing: "creating file \(file)")
    }

    /// ChangeKey (C4) in `CommMode.Full`: key `number` to `newKey` of `version`. Another key than
    /// the authenticated one needs its `old` value; changing the authenticated key ends the session.
    public mutating func changeKey(_ number: UInt8, to newKey: [UInt8], version: UInt8, old: [UInt8]?, authenticated: UInt8) throws(CardFailure) {
        let data: [UInt8]
        if number == authenticated {
            data = newKey + [version]
        } else {
            precondition(old != nil, "changing another key needs its old value")
            data = AES128.xor(newKey, old ?? []) + [version] + AES128.crc32NK(newKey)
        }
        guard var current = session else { throw CardFailure(.protocolError, "changing key \(number): not authenticated") }
        let response = try exchange(current.wrap(code: 0xC4, header: [number], data: data, full: true))
        if number == authenticated {
            // The card answers in clear and forgets the session.
            _ = try EV2Session.payload(response, doing: "changing key \(number)")
            session = nil
        } else {
            _ = try current.unwrap(response, full: false, doing: "changing key \(number)")
            session = current
        }
    }

    /// A command in secure messaging; the counter moves on with its response.
    mutating func secure(
        code: UInt8, header: [UInt8] = [], data: [UInt8] = [], full: Bool, responseFull: Bool, doing: String
    ) throws(CardFailure) -> [UInt8] {
        guard var current = session else { throw CardFailure(.protocolError, "\(doing): not authenticated") }
        let response = try exchange(current.wrap(code: code, header: header, data: data, full: full))
        let body = try current.unwrap(response, full: responseFull, doing: doing)
        session = current
        return body
    }
}
