/// The door's side of an authenticated card (contract 7.3), for a reader whose
/// `card_security` is `desfire` or `ntag424`: after the reader selected a card, it proves the
/// card holds its diversified key (or, for an NTAG 424 in `sun` mode, that its SUN message is
/// genuine and new) and reads its real UID. Pure: the card is reached through a
/// ``CardTransport``, the keys and counters are given.
public struct CardAuthenticator: Sendable {
    public var security: ReaderConfig.CardSecurity
    public var keys: CardKeys
    public var counters: any SUNCounterPort
    /// The site, for the counters' card fingerprints.
    public var site: String

    public init(security: ReaderConfig.CardSecurity, keys: CardKeys, site: String, counters: any SUNCounterPort = MemorySUNCounters()) {
        precondition(security != .uid, "a UID reader does not authenticate")
        self.security = security
        self.keys = keys
        self.site = site
        self.counters = counters
    }

    /// The check of the card selected with `uid` and `sak`; never throws: a card that cannot
    /// prove itself is a ``CardCheck`` with its failure.
    public func check(uid: [UInt8], sak: UInt8, over transport: some CardTransport, random: inout some RandomNumberGenerator) -> CardCheck {
        guard sak & 0x20 != 0 else {
            return CardCheck(uid: uid, failure: CardFailure(.wrongCard, "the card does not speak ISO 14443-4 (SAK \(BadgeUID.hex([sak])))"), security: security)
        }
        var card = DESFireCard(transport)
        do throws(CardFailure) {
            let real: [UInt8]
            switch security {
            case .uid: preconditionFailure("checked at init")
            case .desfire(let fullFileMode): real = try desfire(&card, uid: uid, fullFileMode: fullFileMode, random: &random)
            case .ntag424(let sun): real = try sun ? ntagSUN(&card, uid: uid) : ntagAuthenticate(&card, uid: uid, random: &random)
            }
            return CardCheck(uid: real, security: security)
        } catch {
            return CardCheck(uid: uid, failure: error, security: security)
        }
    }

    /// `fullFileMode`: the credential file is read in `CommMode.Full`, else `.MAC`.
    private func desfire(_ card: inout DESFireCard<some CardTransport>, uid: [UInt8], fullFileMode: Bool, random: inout some RandomNumberGenerator) throws(CardFailure) -> [UInt8] {
        try card.selectApplication(CardLayout.desfireApplication)
        let version = try card.keyVersion(CardLayout.doorKey)
        var real = uid
        if CardLayout.isRandomID(uid) {
            // The door key is diversified from the real UID, which only an authenticated card tells.
            let siteVersion = try card.keyVersion(CardLayout.siteKey)
            try card.authenticate(key: try key(keys.siteKey(.desfire, number: CardLayout.siteKey, version: Int(siteVersion)), siteVersion), number: CardLayout.siteKey, random: &random)
            real = try card.cardUID()
        }
        try card.authenticate(key: try key(keys.cardKey(uid: real, .desfire, number: CardLayout.doorKey, version: Int(version)), version), number: CardLayout.doorKey, random: &random)
        guard try card.cardUID() == real else { throw CardFailure(.wrongCredential, "the card's UID is not the one it answered the select with") }
        let file = try card.read(file: CardLayout.credentialFile, length: CardLayout.credentialFileSize, full: fullFileMode)
        guard CredentialFile.uid(in: file) == real else { throw CardFailure(.wrongCredential, "the credential file names another card") }
        return real
    }

    private func ntagAuthenticate(_ card: inout DESFireCard<some CardTransport>, uid: [UInt8], random: inout some RandomNumberGenerator) throws(CardFailure) -> [UInt8] {
        guard !CardLayout.isRandomID(uid) else { throw CardFailure(.wrongCard, "an NTAG 424 DNA with a random ID is not supported") }
        try card.selectFile(name: CardLayout.ntagApplication)
        let version = try card.keyVersion(CardLayout.doorKey)
        try card.authenticate(key: try key(keys.cardKey(uid: uid, .ntag424, number: CardLayout.doorKey, version: Int(version)), version), number: CardLayout.doorKey, random: &random)
        guard try card.cardUID() == uid else { throw CardFailure(.wrongCredential, "the card's UID is not the one it answered the select with") }
        return uid
    }

    private func ntagSUN(_ card: inout DESFireCard<some CardTransport>, uid: [UInt8]) throws(CardFailure) -> [UInt8] {
        try card.selectFile(name: CardLayout.ntagApplication)
        let version = try card.keyVersion(CardLayout.siteKey)
        let file = try EV2Session.payload(
            card.exchange(EV2Session.apdu(code: 0xAD, [CardLayout.ntagNDEFFile] + [0, 0, 0] + CardLayout.three(CardLayout.sunReadLength))),
            doing: "reading the NDEF file")
        guard let (picc, mac) = SUNMessage.parameters(inFile: file) else { throw CardFailure(.notIssued, "the NDEF file holds no SUN message") }
        let metaKey = try key(keys.siteKey(.ntag424, number: CardLayout.siteKey, version: Int(version)), version)
        guard let (tagUID, counter) = SUNMessage.decryptPICCData(picc, metaKey: metaKey) else {
            throw CardFailure(.badMAC, "the SUN message's PICC data does not open under the site's key")
        }
        guard CardLayout.isRandomID(uid) || tagUID == uid else { throw CardFailure(.wrongCredential, "the SUN message names another card") }
        let fileKey = try key(keys.cardKey(uid: tagUID, .ntag424, number: CardLayout.sunFileKey, version: Int(version)), version)
        guard AES128.same(SUNMessage.mac(fileKey: fileKey, uid: tagUID, counter: counter), mac) else {
            throw CardFailure(.badMAC, "the SUN message's MAC did not verify")
        }
        let fingerprint = CredentialFingerprint.of(site: site, value: BadgeUID.hex(tagUID))
        let grew: Bool
        do {
            grew = try counters.advance(card: fingerprint, to: counter)
        } catch {
            throw CardFailure(.protocolError, "the SUN counter could not be recorded: \(error)")
        }
        guard grew else { throw CardFailure(.replayed, "the SUN counter \(counter) did not grow: a replayed message") }
        return tagUID
    }

    private func key(_ key: [UInt8]?, _ version: UInt8) throws(CardFailure) -> [UInt8] {
        guard let key else { throw CardFailure(.unknownKeyVersion, "the card's key version \(version) has no master key in the device secrets") }
        return key
    }
}
