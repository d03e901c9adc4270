import GatehouseCore
import Testing

/// Known answers from the published vectors: RFC 4493 (AES-CMAC), NXP AN10922 (AES-128 key
/// diversification, its worked example) and NXP AN12196 (AuthenticateEV2First, session keys,
/// `CommMode.MAC` and `.Full` commands and responses, ChangeKey and SUN), so that the reader's
/// arithmetic and the software cards built from it are tied to NXP's, not only to each other.
@Suite struct CardVectorTests {
    static func hex(_ text: String) -> [UInt8] { Hex.bytes(String(text.filter { $0 != " " }))! }
    let zero = [UInt8](repeating: 0, count: 16)

    @Test func aesCMACMatchesRFC4493() {
        let key = Self.hex("2b7e151628aed2a6abf7158809cf4f3c")
        let message = Self.hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710")
        #expect(AES128.cmac([], key: key) == Self.hex("bb1d6929e95937287fa37d129b756746"))
        #expect(AES128.cmac(Array(message.prefix(16)), key: key) == Self.hex("070a16b46b4d4144f79bdd9dd04a287c"))
        #expect(AES128.cmac(Array(message.prefix(40)), key: key) == Self.hex("dfa66747de9ae63030ca32611497c827"))
        #expect(AES128.cmac(message, key: key) == Self.hex("51f0bebf7e3b9d92fc49741779363cfe"))
    }

    @Test func diversificationMatchesAN10922() {
        // AN10922 section 2.2.1: UID 04782E21801D80, AID 3042F5, system identifier "NXP Abu".
        let master = Self.hex("00112233445566778899AABBCCDDEEFF")
        let input = Self.hex("04782E21801D80") + Self.hex("3042F5") + Array("NXP Abu".utf8)
        #expect(KeyDiversification.aes128(master: master, input: input) == Self.hex("A8DD63A3B89D54B37CA802473FDA9175"))
    }

    @Test func perCardKeysDifferByCardKeyAndVersion() throws {
        let keys = CardKeys(masters: [1: Array(1...16), 2: Array(17...32)], site: "acme-plant")
        let uid = Self.hex("04112233445566")
        let door = try #require(keys.cardKey(uid: uid, .desfire, number: 1, version: 1))
        #expect(door != keys.cardKey(uid: Self.hex("04112233445567"), .desfire, number: 1, version: 1))
        #expect(door != keys.cardKey(uid: uid, .desfire, number: 2, version: 1))
        #expect(door != keys.cardKey(uid: uid, .ntag424, number: 1, version: 1))
        #expect(door != keys.cardKey(uid: uid, .desfire, number: 1, version: 2))
        #expect(keys.cardKey(uid: uid, .desfire, number: 1, version: 3) == nil)
        #expect(keys.currentVersion == 2)
        #expect(!"\(keys)".contains("0102"))
    }

    @Test func authenticateEV2FirstMatchesAN12196Table14() throws {
        let rndA = Self.hex("13C5DB8A5930439FC3DEF9A4C675360F")
        #expect(EV2Authentication.firstCommand(keyNumber: 0) == Self.hex("9071000002000000"))
        let (apdu, rndB) = EV2Authentication.secondCommand(key: zero, encryptedRndB: Self.hex("A04C124213C186F22399D33AC2A30215"), rndA: rndA)
        #expect(rndB == Self.hex("B9E2FC789B64BF237CCCAA20EC7E6E48"))
        #expect(apdu == Self.hex("90AF00002035C3E05A752E0144BAC0DE51C1F22C56B34408A23D8AEA266CAB947EA8E0118D00"))
        let (sv1, sv2) = EV2Session.sessionVectors(rndA: rndA, rndB: rndB)
        #expect(sv1 == Self.hex("A55A0001008013C56268A548D8FBBF237CCCAA20EC7E6E48C3DEF9A4C675360F"))
        #expect(sv2 == Self.hex("5AA50001008013C56268A548D8FBBF237CCCAA20EC7E6E48C3DEF9A4C675360F"))
        let session = try EV2Authentication.finish(key: zero, response: Self.hex("3FA64DB5446D1F34CD6EA311167F5E4985B89690C04A05F17FA7AB2F08120663"), rndA: rndA, rndB: rndB)
        #expect(session.transactionID == Self.hex("9D00C4DF"))
        // The session keys, seen through the IV and MAC they give (AN12196 Table 17's IVc).
        let published = EV2Session(transactionID: Self.hex("9D00C4DF"), encryptionKey: Self.hex("1309C877509E5A215007FF0ED19CA564"), macKey: Self.hex("4C6626F5E72EA694202139295C7A7FC7"))
        #expect(session.iv(command: true) == published.iv(command: true))
        #expect(session.iv(command: true) == Self.hex("D2CB7277A17841A06654A48188C1F8F5"))
        #expect(session.commandMAC(code: 0x51, []) == published.commandMAC(code: 0x51, []))
    }

    @Test func aWrongKeyFailsTheAuthenticationAsWrongKey() {
        let rndA = Self.hex("13C5DB8A5930439FC3DEF9A4C675360F")
        let wrong = [UInt8](repeating: 0x11, count: 16)
        let (_, rndB) = EV2Authentication.secondCommand(key: wrong, encryptedRndB: Self.hex("A04C124213C186F22399D33AC2A30215"), rndA: rndA)
        #expect(throws: CardFailure(.wrongKey, "")) {
            try EV2Authentication.finish(key: wrong, response: Self.hex("3FA64DB5446D1F34CD6EA311167F5E4985B89690C04A05F17FA7AB2F08120663"), rndA: rndA, rndB: rndB)
        }
    }

    @Test func macModeMatchesAN12196Table7() throws {
        var session = EV2Session(transactionID: Self.hex("7A21085E"), encryptionKey: zero, macKey: Self.hex("8248134A386E86EB7FAF54A52E536CB6"))
        #expect(session.wrap(code: 0xF5, header: [0x02], full: false) == Self.hex("90F5000009026597A457C8CD442C00"))
        let data = try session.unwrap(Self.hex("0040EEEE000100D1FE001F00004400004400002000006A00002A474282E7A479869100"), full: false, doing: "test")
        #expect(data == Self.hex("0040EEEE000100D1FE001F00004400004400002000006A0000"))
        #expect(session.counter == 1)
        var again = EV2Session(transactionID: Self.hex("7A21085E"), encryptionKey: zero, macKey: Self.hex("8248134A386E86EB7FAF54A52E536CB6"))
        #expect(throws: CardFailure(.badMAC, "")) {
            try again.unwrap(Self.hex("0040EEEE000100D1FE001F00004400004400002000006B00002A474282E7A479869100"), full: false, doing: "test")
        }
    }

    @Test func getCardUIDInFullModeMatchesAN12196Table28() throws {
        var session = EV2Session(transactionID: Self.hex("DF055522"), encryptionKey: Self.hex("2B4D963C014DC36F24F69A50A394F875"), macKey: Self.hex("379D32130CE61705DD5FD8C36B95D764"))
        #expect(session.wrap(code: 0x51, full: true) == Self.hex("90510000088E2C155ADDA99BE300"))
        #expect(session.iv(command: false) == Self.hex("7F6BB0B278EA054CBD238C5D9E9E342B"))
        let uid = try session.unwrap(Self.hex("70756055688505B52A5E26E59E329CD6595F672298EA41B79100"), full: true, doing: "test")
        #expect(uid == Self.hex("04958CAA5C5E80"))
    }

    @Test func writeDataInFullModeMatchesAN12196Table21() throws {
        var session = EV2Session(transactionID: Self.hex("7614281A"), encryptionKey: Self.hex("7A93D6571E4B180FCA6AC90C9A7488D4"), macKey: Self.hex("FC4AF159B62E549B5812394CAB1918CC"))
        let apdu = session.wrap(code: 0x8D, header: [0x03] + CardLayout.three(0) + CardLayout.three(10), data: Self.hex("0102030405060708090A"), full: true)
        #expect(apdu == Self.hex("908D00001F030000000A00006B5E6804909962FC4E3FF5522CF0F8436C0C53315B9C73AA00"))
        #expect(try session.unwrap(Self.hex("C26D236E4A7C046D9100"), full: false, doing: "test").isEmpty)
    }

    @Test func changeKeyMatchesAN12196Table25() {
        let session = EV2Session(transactionID: Self.hex("7614281A"), encryptionKey: Self.hex("4CF3CB41A22583A61E89B158D252FC53"), macKey: Self.hex("5529860B2FC5FB6154B7F28361D30BF9"), counter: 2)
        let newKey = Self.hex("F3847D627727ED3BC9C4CC050489B966")
        #expect(AES128.crc32NK(newKey) == Self.hex("789DFADC"))
        let data = AES128.xor(newKey, zero) + [0x01] + AES128.crc32NK(newKey)
        #expect(session.wrap(code: 0xC4, header: [0x02], data: data, full: true)
            == Self.hex("90C4000029022CF362B7BF4311FF3BE1DAA295E8C68DE09050560D19B9E16C2393AE9CD1FAC75D0CE20BCD1D06E600"))
    }

    @Test func sunMessageMatchesAN12196() throws {
        // AN12196 section 3.4: e=EF963FF7828658A599F3041510671E88, c=94EED9EE65337086, all keys zero.
        let (uid, counter) = try #require(SUNMessage.decryptPICCData(Self.hex("EF963FF7828658A599F3041510671E88"), metaKey: zero))
        #expect(uid == Self.hex("04DE5F1EACC040"))
        #expect(counter == 61)
        #expect(SUNMessage.mac(fileKey: zero, uid: uid, counter: counter) == Self.hex("94EED9EE65337086"))
        #expect(SUNMessage.mac(fileKey: zero, uid: uid, counter: 62) != Self.hex("94EED9EE65337086"))
        #expect(SUNMessage.decryptPICCData(Self.hex("EF963FF7828658A599F3041510671E88"), metaKey: [UInt8](repeating: 1, count: 16)) == nil)
    }

    @Test func sunParametersAreFoundInTheNDEFFile() throws {
        let template = SUNMessage.template()
        var file = SUNMessage.ndefFile(url: template.url)
        let e = Array("EF963FF7828658A599F3041510671E88".utf8), c = Array("94EED9EE65337086".utf8)
        file.replaceSubrange((SUNMessage.urlOffsetInFile + template.eOffset)..<(SUNMessage.urlOffsetInFile + template.eOffset + 32), with: e)
        file.replaceSubrange((SUNMessage.urlOffsetInFile + template.cOffset)..<(SUNMessage.urlOffsetInFile + template.cOffset + 16), with: c)
        let (picc, mac) = try #require(SUNMessage.parameters(inFile: file))
        #expect(picc == Self.hex("EF963FF7828658A599F3041510671E88"))
        #expect(mac == Self.hex("94EED9EE65337086"))
        #expect(SUNMessage.parameters(inFile: Array("https://example.com/?e=zz".utf8)) == nil)
    }

    @Test func paddingAndCredentialFilesRoundTrip() {
        #expect(AES128.pad([0x01]) == [0x01, 0x80] + [UInt8](repeating: 0, count: 14))
        #expect(AES128.pad(zero).count == 32)
        #expect(AES128.unpad(AES128.pad([1, 2])) == [1, 2])
        #expect(AES128.unpad(zero) == nil)
        let uid = Self.hex("04112233445566")
        #expect(CredentialFile.uid(in: CredentialFile.bytes(uid: uid)) == uid)
        #expect(CredentialFile.uid(in: zero) == nil)
    }
}
