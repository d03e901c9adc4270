import GatehouseCore
import GatehouseTesting
import Synchronization
import Testing

/// The door's card check and `card issue` against the software DESFire EV2 and NTAG 424 DNA,
/// straight through the transport port: genuine cards, clones, wrong keys, damaged responses,
/// cards taken away, replayed SUN messages.
@Suite struct CardAuthenticatorTests {
    static let uid: [UInt8] = [0x04, 0x5A, 0x11, 0x22, 0x33, 0x44, 0x80]
    let keys = CardKeys(masters: [1: Array(1...16)], site: "acme-plant")
    var random = SystemRandomNumberGenerator()

    /// A transport in front of a card that can spoil one response, stop answering, or replay.
    final class Meddler: CardTransport, @unchecked Sendable {
        // Used from the test's one thread only.
        let card: any SoftwareCard
        var flipBitInResponse: Int?
        /// Which byte of that response is spoiled, and how.
        var spoil: ([UInt8]) -> [UInt8] = { response in [response[0] ^ 0x01] + response.dropFirst() }
        var answersLeft: Int?
        var recorded: [[UInt8]: [UInt8]] = [:]
        var replay = false
        var exchanges = 0

        init(_ card: any SoftwareCard) { self.card = card }

        func transmit(_ apdu: [UInt8]) throws(CardFailure) -> [UInt8] {
            exchanges += 1
            if let left = answersLeft {
                guard left > 0 else { throw CardFailure(.removed, "no answer: the card left the field") }
                answersLeft = left - 1
            }
            if replay, let old = recorded[apdu] { return old }
            var response = card.respond(apdu)
            recorded[apdu] = response
            if exchanges == flipBitInResponse { response = spoil(response) }
            return response
        }
    }

    func issuedDESFire(randomID: Bool = false, full: Bool = true) throws -> SoftwareDESFire {
        let card = SoftwareDESFire(uid: Self.uid, randomID: randomID)
        var random = random
        card.activate()
        #expect(try CardIssuer(keys: keys, version: 1).issueDESFire(over: card, fullFileMode: full, force: false, random: &random) == Self.uid)
        card.activate()
        return card
    }

    func check(_ card: some SoftwareCard, _ security: ReaderConfig.CardSecurity = .desfire, transport: (any CardTransport)? = nil, counters: any SUNCounterPort = MemorySUNCounters()) -> CardCheck {
        var random = random
        let authenticator = CardAuthenticator(security: security, keys: keys, site: "acme-plant", counters: counters)
        let activation = card.activation
        if let transport { return authenticator.check(uid: activation.uid, sak: activation.sak, over: transport, random: &random) }
        return authenticator.check(uid: activation.uid, sak: activation.sak, over: card, random: &random)
    }

    @Test func anIssuedDESFireIsAuthenticAndTheDoorLearnsItsUID() throws {
        let card = try issuedDESFire()
        let result = check(card)
        #expect(result.isAuthentic)
        #expect(result.uid == Self.uid)
        #expect(card.key(0, of: CardLayout.desfireApplication) != AES128.zeroBlock)
    }

    @Test func aRandomIDCardIsLookedUpByItsRealUID() throws {
        let card = try issuedDESFire(randomID: true)
        #expect(CardLayout.isRandomID(card.activation.uid))
        let result = check(card)
        #expect(result.isAuthentic)
        #expect(result.uid == Self.uid)
    }

    @Test func theCredentialFileIsReadInMACModeWhereConfigured() throws {
        let card = try issuedDESFire(full: false)
        #expect(check(card, .desfire(fullFileMode: false)).isAuthentic)
        // A door expecting full mode cannot open a MAC-mode file.
        #expect(check(card, .desfire).failure?.reason == .badMAC)
    }

    @Test func clonesAndStrangersAreNotAuthentic() throws {
        // The right UID on a blank DESFire: no application.
        #expect(check(SoftwareDESFire(uid: Self.uid)).failure?.reason == .notIssued)
        // The right UID on a card issued by another site (another master key): the keys differ.
        let other = SoftwareDESFire(uid: Self.uid)
        var random = random
        _ = try CardIssuer(keys: CardKeys(masters: [1: Array(101...116)], site: "acme-plant"), version: 1).issueDESFire(over: other, fullFileMode: true, force: false, random: &random)
        other.activate()
        #expect(check(other).failure?.reason == .wrongKey)
        // The UID on a magic card without ISO 14443-4.
        var random2 = random
        let magic = CardAuthenticator(security: .desfire, keys: keys, site: "acme-plant").check(uid: Self.uid, sak: 0x08, over: other, random: &random2)
        #expect(magic.failure?.reason == .wrongCard)
        #expect(magic.uid == Self.uid)
    }

    @Test func aCardIssuedUnderAnUnknownKeyVersionIsRefused() throws {
        let card = SoftwareDESFire(uid: Self.uid)
        var random = random
        _ = try CardIssuer(keys: CardKeys(masters: [7: Array(1...16)], site: "acme-plant"), version: 7).issueDESFire(over: card, fullFileMode: true, force: false, random: &random)
        card.activate()
        let result = check(card)
        #expect(result.failure?.reason == .unknownKeyVersion)
        #expect(result.failure?.detail.contains("version 7") == true)
    }

    @Test func aDamagedResponseIsABadMACAtWhicheverStepItHits() throws {
        let card = try issuedDESFire()
        // Exchanges: select, key version, auth 1, auth 2, GetCardUID, ReadData.
        for exchange in [5, 6] {
            card.activate()
            let meddler = Meddler(card)
            meddler.flipBitInResponse = exchange
            #expect(check(card, transport: meddler).failure?.reason == .badMAC, "response \(exchange)")
        }
        card.activate()
        let meddler = Meddler(card)
        meddler.flipBitInResponse = 4
        #expect(check(card, transport: meddler).failure?.reason == .wrongKey)
    }

    @Test func aCardTakenAwayDuringAuthenticationIsRemoved() throws {
        let card = try issuedDESFire()
        for answers in 0..<6 {
            card.activate()
            let meddler = Meddler(card)
            meddler.answersLeft = answers
            #expect(check(card, transport: meddler).failure?.reason == .removed, "after \(answers) answers")
        }
    }

    @Test func issuingRefusesACardThatIsNotBlank() throws {
        let card = try issuedDESFire()
        var random = random
        #expect(throws: CardFailure(.notBlank, "")) { try CardIssuer(keys: keys, version: 1).issueDESFire(over: card, fullFileMode: true, force: true, random: &random) }
    }

    @Test func anNTAG424IsAuthenticatedLive() throws {
        let tag = SoftwareNTAG424(uid: Self.uid)
        var random = random
        #expect(try CardIssuer(keys: keys, version: 1).issueNTAG424(over: tag, uid: Self.uid, sun: false, random: &random) == Self.uid)
        tag.activate()
        #expect(check(tag, .ntag424(sun: false)).isAuthentic)
        #expect(check(SoftwareNTAG424(uid: Self.uid), .ntag424(sun: false)).failure?.reason == .unknownKeyVersion)
        #expect(throws: CardFailure(.notBlank, "")) { try CardIssuer(keys: keys, version: 1).issueNTAG424(over: tag, uid: Self.uid, sun: false, random: &random) }
        // A rotation: issued again under version 2 with --force; a door with both versions takes it.
        var rotated = keys
        rotated.masters[2] = Array(41...56)
        tag.activate()
        _ = try CardIssuer(keys: rotated, version: 2).issueNTAG424(over: tag, uid: Self.uid, sun: false, force: true, random: &random)
        tag.activate()
        var random2 = random
        #expect(CardAuthenticator(security: .ntag424(sun: false), keys: rotated, site: "acme-plant").check(uid: Self.uid, sak: 0x20, over: tag, random: &random2).isAuthentic)
        #expect(check(tag, .ntag424(sun: false)).failure?.reason == .unknownKeyVersion)
        // Another system's tag is not issued over, even with --force.
        let foreign = SoftwareNTAG424(uid: Self.uid)
        _ = try CardIssuer(keys: CardKeys(masters: [1: Array(101...116)], site: "other"), version: 1).issueNTAG424(over: foreign, uid: Self.uid, sun: false, random: &random)
        foreign.activate()
        #expect(throws: CardFailure(.notBlank, "")) { try CardIssuer(keys: keys, version: 1).issueNTAG424(over: foreign, uid: Self.uid, sun: false, force: true, random: &random) }
    }

    @Test func aSUNMessageIsCheckedOfflineAndAReplayIsRefused() throws {
        let tag = SoftwareNTAG424(uid: Self.uid)
        var random = random
        _ = try CardIssuer(keys: keys, version: 1).issueNTAG424(over: tag, uid: Self.uid, sun: true, random: &random)
        let counters = MemorySUNCounters()
        tag.activate()
        let meddler = Meddler(tag)
        let first = check(tag, .ntag424(sun: true), transport: meddler, counters: counters)
        #expect(first.isAuthentic)
        #expect(first.uid == Self.uid)
        tag.activate()
        #expect(check(tag, .ntag424(sun: true), counters: counters).isAuthentic)
        // The first read's message again: genuine, but its counter did not grow.
        meddler.replay = true
        #expect(check(tag, .ntag424(sun: true), transport: meddler, counters: counters).failure?.reason == .replayed)
        #expect(tag.readCounter == 2)
        // A message with a damaged MAC.
        let damaged = Meddler(tag)
        damaged.flipBitInResponse = 3
        damaged.spoil = { response in
            // One hex digit of the MAC changed to another.
            var spoiled = response
            let at = SUNMessage.urlOffsetInFile + SUNMessage.template().cOffset
            spoiled[at] = spoiled[at] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
            return spoiled
        }
        #expect(check(tag, .ntag424(sun: true), transport: damaged, counters: counters).failure?.reason == .badMAC)
        // A blank tag holds no SUN message.
        #expect(check(SoftwareNTAG424(uid: Self.uid), .ntag424(sun: true), counters: counters).failure?.reason == .notIssued)
    }
}
