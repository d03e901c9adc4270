/// Personalises blank cards with ``CardLayout``, for `gatehouse card issue`: keys diversified
/// from the site's newest master key, so that a door of the site can check the card and no
/// one without the master key can make another. It refuses a card that is not blank: a DESFire
/// with other applications unless `force` (it is then issued beside them), one already issued,
/// an NTAG 424 whose key 0 is not the factory's.
public struct CardIssuer {
    public var keys: CardKeys
    public var version: Int

    public init(keys: CardKeys, version: Int) {
        precondition(keys.masters[version] != nil, "the version's master key is at hand")
        self.keys = keys
        self.version = version
    }

    /// A DESFire EV2/EV3: the application, its keys, the credential file. Returns the real UID.
    public func issueDESFire(
        over transport: some CardTransport, fullFileMode: Bool, force: Bool, random: inout some RandomNumberGenerator
    ) throws(CardFailure) -> [UInt8] {
        var card = DESFireCard(transport)
        try card.selectApplication([0, 0, 0])
        let applications = try card.applicationIDs()
        if applications.contains(CardLayout.desfireApplication) {
            throw CardFailure(.notBlank, "the card already holds a Gatehouse application; it was issued before")
        }
        if !applications.isEmpty, !force {
            throw CardFailure(.notBlank, "the card holds \(applications.count) other application(s); --force issues beside them")
        }
        try card.createApplication(CardLayout.desfireApplication, keys: 3)
        try card.selectApplication(CardLayout.desfireApplication)
        try card.authenticate(key: AES128.zeroBlock, number: CardLayout.masterKey, random: &random)
        let uid = try card.cardUID()
        try card.createDataFile(CardLayout.credentialFile, size: CardLayout.credentialFileSize, mode: fullFileMode ? 3 : 1, access: [0x00, CardLayout.doorKey << 4])
        try card.write(file: CardLayout.credentialFile, CredentialFile.bytes(uid: uid), full: fullFileMode)
        let keyVersion = UInt8(version)
        try card.changeKey(CardLayout.doorKey, to: key(keys.cardKey(uid: uid, .desfire, number: CardLayout.doorKey, version: version)), version: keyVersion, old: AES128.zeroBlock, authenticated: 0)
        try card.changeKey(CardLayout.siteKey, to: key(keys.siteKey(.desfire, number: CardLayout.siteKey, version: version)), version: keyVersion, old: AES128.zeroBlock, authenticated: 0)
        try card.changeKey(CardLayout.masterKey, to: key(keys.cardKey(uid: uid, .desfire, number: CardLayout.masterKey, version: version)), version: keyVersion, old: nil, authenticated: 0)
        return uid
    }

    /// An NTAG 424 DNA: its five keys, and with `sun` the NDEF URL and Secure Dynamic Messaging.
    public func issueNTAG424(over transport: some CardTransport, sun: Bool, random: inout some RandomNumberGenerator) throws(CardFailure) -> [UInt8] {
        var card = DESFireCard(transport)
        try card.selectFile(name: CardLayout.ntagApplication)
        do {
            try card.authenticate(key: AES128.zeroBlock, number: CardLayout.masterKey, random: &random)
        } catch where error.reason == .wrongKey {
            throw CardFailure(.notBlank, "the tag's key 0 is not the factory key: it was issued before, or belongs to another system")
        }
        let uid = try card.cardUID()
        if sun {
            let template = SUNMessage.template()
            let file = SUNMessage.ndefFile(url: template.url)
            try card.write(file: CardLayout.ntagNDEFFile, file, full: true, code: 0x8D)
            let picc = SUNMessage.urlOffsetInFile + template.eOffset, mac = SUNMessage.urlOffsetInFile + template.cOffset
            let settings: [UInt8] = [0x40, 0x00, 0xE0, 0xC1, 0xFF, CardLayout.siteKey << 4 | CardLayout.sunFileKey] + CardLayout.three(picc) + CardLayout.three(mac) + CardLayout.three(mac)
            _ = try card.secure(code: 0x5F, header: [CardLayout.ntagNDEFFile], data: settings, full: true, responseFull: false, doing: "turning on SUN")
        }
        let keyVersion = UInt8(version)
        for number in [CardLayout.doorKey, CardLayout.siteKey, CardLayout.sunFileKey, 4] {
            let new = number == CardLayout.siteKey ? keys.siteKey(.ntag424, number: number, version: version) : keys.cardKey(uid: uid, .ntag424, number: number, version: version)
            try card.changeKey(number, to: key(new), version: keyVersion, old: AES128.zeroBlock, authenticated: 0)
        }
        try card.changeKey(CardLayout.masterKey, to: key(keys.cardKey(uid: uid, .ntag424, number: CardLayout.masterKey, version: version)), version: keyVersion, old: nil, authenticated: 0)
        return uid
    }

    private func key(_ key: [UInt8]?) throws(CardFailure) -> [UInt8] {
        guard let key else { throw CardFailure(.unknownKeyVersion, "no master key of the version the card was issued with") }
        return key
    }
}
