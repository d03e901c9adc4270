/// Personalises blank cards with ``CardLayout``, for `gatehouse card issue`: keys diversified
/// from the site's newest master key, so that a door of the site can check the card and no
/// one without the master key can make another. It refuses a card that is not blank: a DESFire
/// with other applications unless `force` (it is then issued beside them), one already issued,
/// an NTAG 424 whose key 0 is not the factory's unless `force` and the tag holds this site's keys
/// (it is then issued again under the newest version).
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
    /// With `force`, a tag this site issued before (under any master key version at hand) is
    /// issued again under the newest: how its keys are rotated. `uid` is its anticollision UID.
    public func issueNTAG424(
        over transport: some CardTransport, uid anticollision: [UInt8], sun: Bool, force: Bool = false, random: inout some RandomNumberGenerator
    ) throws(CardFailure) -> [UInt8] {
        var card = DESFireCard(transport)
        try card.selectFile(name: CardLayout.ntagApplication)
        var old: (UInt8) -> [UInt8]? = { _ in AES128.zeroBlock }
        do {
            try card.authenticate(key: AES128.zeroBlock, number: CardLayout.masterKey, random: &random)
        } catch where error.reason == .wrongKey {
            guard force else {
                throw CardFailure(.notBlank, "the tag's key 0 is not the factory key: it was issued before (--force issues again a tag of this site), or belongs to another system")
            }
            try card.selectFile(name: CardLayout.ntagApplication)
            let previous = Int(try card.keyVersion(CardLayout.masterKey))
            guard let master = keys.cardKey(uid: anticollision, .ntag424, number: CardLayout.masterKey, version: previous) else {
                throw CardFailure(.unknownKeyVersion, "the tag's key version \(previous) has no master key in the secrets file")
            }
            do {
                try card.authenticate(key: master, number: CardLayout.masterKey, random: &random)
            } catch where error.reason == .wrongKey {
                throw CardFailure(.notBlank, "the tag's key 0 is neither the factory key nor this site's: it belongs to another system")
            }
            let keys = keys
            old = { number in
                number == CardLayout.siteKey
                    ? keys.siteKey(.ntag424, number: number, version: previous) : keys.cardKey(uid: anticollision, .ntag424, number: number, version: previous)
            }
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
            try card.changeKey(number, to: key(new), version: keyVersion, old: try key(old(number)), authenticated: 0)
        }
        try card.changeKey(CardLayout.masterKey, to: key(keys.cardKey(uid: uid, .ntag424, number: CardLayout.masterKey, version: version)), version: keyVersion, old: nil, authenticated: 0)
        return uid
    }

    private func key(_ key: [UInt8]?) throws(CardFailure) -> [UInt8] {
        guard let key else { throw CardFailure(.unknownKeyVersion, "no master key of the version the card was issued with") }
        return key
    }
}
