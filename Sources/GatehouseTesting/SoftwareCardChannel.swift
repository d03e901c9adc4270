import GatehouseCore

/// The card's side of AuthenticateEV2First and EV2 secure messaging, shared by the software
/// DESFire and NTAG 424 DNA: it answers the reader's challenge with the key the card holds,
/// checks commands' MACs and opens their data, and seals responses. Built on the core's
/// ``EV2Session`` from the other side; the core's known-answer tests tie both to AN12196.
struct SoftwareCardChannel {
    var session: EV2Session?
    /// The key number the session was authenticated with.
    var authenticatedKey: UInt8?
    private var pending: (number: UInt8, key: [UInt8], rndB: [UInt8])?

    static let ok: [UInt8] = [0x91, 0x00]
    static let authenticationError: [UInt8] = [0x91, 0xAE]
    static let integrityError: [UInt8] = [0x91, 0x1E]
    static let permissionDenied: [UInt8] = [0x91, 0x9D]
    static let lengthError: [UInt8] = [0x91, 0x7E]

    /// Part 1: E(key, RndB) and `91AF`.
    mutating func challenge(number: UInt8, key: [UInt8], random: inout some RandomNumberGenerator) -> [UInt8] {
        forget()
        let rndB = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
        pending = (number, key, rndB)
        return AES128.encrypt(rndB, key: key) + [0x91, 0xAF]
    }

    /// Whether part 2 is awaited.
    var isAuthenticating: Bool { pending != nil }

    /// Part 2: the reader's E(key, RndA ‖ RndB') checked, and E(key, TI ‖ RndA' ‖ caps) sent.
    mutating func answer(_ data: [UInt8], random: inout some RandomNumberGenerator) -> [UInt8] {
        guard let (number, key, rndB) = pending else { return Self.authenticationError }
        pending = nil
        guard data.count == 32, let plain = AES128.decryptCBC(data, key: key), Array(plain[16..<32]) == EV2Authentication.rotated(rndB) else {
            return Self.authenticationError
        }
        let rndA = Array(plain[0..<16])
        let ti = (0..<4).map { _ in UInt8.random(in: 0...255, using: &random) }
        session = EV2Session(key: key, rndA: rndA, rndB: rndB, transactionID: ti)
        authenticatedKey = number
        return AES128.encryptCBC(ti + EV2Authentication.rotated(rndA) + [UInt8](repeating: 0, count: 12), key: key) + Self.ok
    }

    mutating func forget() {
        session = nil
        authenticatedKey = nil
        pending = nil
    }

    /// A secure-messaging command's header and data: its MAC checked (the session is lost on a
    /// wrong one, as a card does), its data after `headerLength` decrypted when `full`. Nil:
    /// answer with `status`.
    mutating func open(code: UInt8, _ body: [UInt8], headerLength: Int, full: Bool) -> Result<[UInt8], Status> {
        guard let current = session else { return .failure(Status(Self.authenticationError)) }
        guard body.count >= 8 + headerLength else { return .failure(Status(Self.lengthError)) }
        let signed = Array(body.dropLast(8))
        guard AES128.same(current.commandMAC(code: code, signed), Array(body.suffix(8))) else {
            forget()
            return .failure(Status(Self.integrityError))
        }
        let header = Array(signed.prefix(headerLength))
        guard full else { return .success(signed) }
        guard let data = current.decryptCommandData(Array(signed.dropFirst(headerLength))) else {
            forget()
            return .failure(Status(Self.integrityError))
        }
        return .success(header + data)
    }

    /// A sealed response: data (encrypted when `full`), its MAC, `9100`; the counter moves on.
    mutating func seal(_ data: [UInt8], full: Bool) -> [UInt8] {
        guard var current = session else { return Self.authenticationError }
        let body = full ? current.encryptResponseData(data) : data
        let response = body + current.responseMAC(status: 0x00, body) + Self.ok
        current.counter &+= 1
        session = current
        return response
    }

    /// A status word to answer with.
    struct Status: Error {
        var bytes: [UInt8]
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }
}
