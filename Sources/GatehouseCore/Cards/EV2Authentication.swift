/// AuthenticateEV2First with an AES-128 key (AN12196 section 5.6; the same on DESFire EV2/EV3
/// and NTAG 424 DNA): three passes proving that the reader and the card hold the same key,
/// ending in an ``EV2Session``. The reader's side is pure: it takes the card's answers and the
/// reader's random, and ``run(on:keyNumber:key:random:)`` carries it over a transport.
public enum EV2Authentication {
    /// Part 1: `90 71 00 00 02 KeyNo 00 00`.
    public static func firstCommand(keyNumber: UInt8) -> [UInt8] {
        EV2Session.apdu(code: 0x71, [keyNumber, 0x00])
    }

    /// Part 2: the card's E(K, RndB) opened, and `90 AF … E(K, RndA ‖ RndB') 00` to send,
    /// with RndB for ``finish(key:response:rndA:rndB:)``.
    public static func secondCommand(key: [UInt8], encryptedRndB: [UInt8], rndA: [UInt8]) -> (apdu: [UInt8], rndB: [UInt8]) {
        precondition(encryptedRndB.count == 16 && rndA.count == 16, "16-byte randoms")
        let rndB = AES128.decrypt(encryptedRndB, key: key)
        let cryptogram = AES128.encryptCBC(rndA + rotated(rndB), key: key)
        return (EV2Session.apdu(code: 0xAF, cryptogram), rndB)
    }

    /// The card's last answer E(K, TI ‖ RndA' ‖ PDcap2 ‖ PCDcap2) checked: the session, or
    /// `wrong_key` when RndA' is not RndA turned by one byte (the card does not hold the key).
    public static func finish(key: [UInt8], response: [UInt8], rndA: [UInt8], rndB: [UInt8]) throws(CardFailure) -> EV2Session {
        guard response.count == 32, let plain = AES128.decryptCBC(response, key: key) else {
            throw CardFailure(.protocolError, "authentication: the card's last answer is not 32 bytes")
        }
        guard AES128.same(Array(plain[4..<20]), rotated(rndA)) else {
            throw CardFailure(.wrongKey, "authentication: the card's answer does not match our challenge")
        }
        return EV2Session(key: key, rndA: rndA, rndB: rndB, transactionID: Array(plain[0..<4]))
    }

    /// The whole exchange with the card at `transport`: `wrong_key` when either side's proof fails.
    public static func run(
        on transport: some CardTransport, keyNumber: UInt8, key: [UInt8], random: inout some RandomNumberGenerator
    ) throws(CardFailure) -> EV2Session {
        let challenge = try EV2Session.payload(transport.transmit(firstCommand(keyNumber: keyNumber)), doing: "authentication", allowing: true)
        guard challenge.count == 16 else { throw CardFailure(.protocolError, "authentication: the card's challenge is \(challenge.count) bytes, not 16 (LRP?)") }
        let rndA = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
        let (apdu, rndB) = secondCommand(key: key, encryptedRndB: challenge, rndA: rndA)
        let answer = try EV2Session.payload(transport.transmit(apdu), doing: "authentication")
        return try finish(key: key, response: answer, rndA: rndA, rndB: rndB)
    }

    /// A 16-byte random turned left by one byte (RndA', RndB').
    public static func rotated(_ bytes: [UInt8]) -> [UInt8] { Array(bytes.dropFirst()) + [bytes[0]] }
}
