import GatehouseCore
import Synchronization

/// An NTAG 424 DNA in software: its application (selected by DF name), five AES keys with
/// versions, the 256-byte NDEF file (file 2, read in clear) with Secure Dynamic Messaging
/// (SUN: the PICCData and SDMMAC mirrored into the URL at each read, the read counter growing),
/// AuthenticateEV2First, GetCardUID, ChangeKey, WriteData and ChangeFileSettings in EV2 secure
/// messaging. Fresh, its keys are all zero and SDM is off, as from the factory.
public final class SoftwareNTAG424: SoftwareCard {
    struct SDM {
        var metaKey: UInt8
        var fileKey: UInt8
        var piccOffset: Int
        var macInputOffset: Int
        var macOffset: Int
    }

    struct State {
        var keys = Array(repeating: AES128.zeroBlock, count: 5)
        var versions = [UInt8](repeating: 0, count: 5)
        var ndef = [UInt8](repeating: 0, count: 256)
        var sdm: SDM?
        var counter: UInt32 = 0
        var selected = false
        var channel = SoftwareCardChannel()
        var random = SystemRandomNumberGenerator()
    }

    public let uid: [UInt8]
    // The state is reached only under the lock.
    private let state = Mutex(State())

    public init(uid: [UInt8]) {
        precondition(uid.count == 7, "a 7-byte UID")
        self.uid = uid
    }

    public var activation: EmulatedCard { EmulatedCard(uid: uid, atqa: [0x03, 0x44], sak: 0x20, ats: [0x06, 0x77, 0x77, 0x71, 0x02, 0x80]) }

    public func activate() {
        state.withLock { state in
            state.selected = false
            state.channel.forget()
        }
    }

    /// The SDM read counter: how many times the NDEF file was read with SUN on.
    public var readCounter: UInt32 { state.withLock { $0.counter } }

    /// A key as the tag holds it, for tests of personalisation.
    public func key(_ number: Int) -> [UInt8] { state.withLock { $0.keys[number] } }

    /// What a phone reads from the tag: the NDEF file with the SUN message filled in (the
    /// counter grows), for tests that replay one.
    public func readNDEF() -> [UInt8] { state.withLock { Self.ndefContent(&$0, uid: uid) } }

    public func respond(_ apdu: [UInt8]) -> [UInt8] {
        state.withLock { state in
            if apdu.count >= 5, apdu[0] == 0x00, apdu[1] == 0xA4, apdu[2] == 0x04 {
                let name = Array(apdu.dropFirst(5).prefix(Int(apdu[4])))
                state.channel.forget()
                state.selected = name == CardLayout.ntagApplication
                return state.selected ? [0x90, 0x00] : [0x6A, 0x82]
            }
            guard state.selected else { return [0x6A, 0x82] }
            guard let command = NativeCommand(apdu) else { return [0x6E, 0x00] }
            if command.code != 0xAF, state.channel.isAuthenticating { state.channel.forget() }
            return Self.handle(command, &state, uid: uid)
        }
    }

    private static func handle(_ command: NativeCommand, _ state: inout State, uid: [UInt8]) -> [UInt8] {
        let data = command.data
        switch command.code {
        case 0x64:
            guard data.count == 1, data[0] < 5 else { return [0x91, 0x40] }
            return [state.versions[Int(data[0])]] + SoftwareCardChannel.ok
        case 0x71:
            guard data.count >= 2, data[0] < 5 else { return [0x91, 0x40] }
            return state.channel.challenge(number: data[0], key: state.keys[Int(data[0])], random: &state.random)
        case 0xAF:
            return state.channel.answer(data, random: &state.random)
        case 0x51:
            guard case .success = state.channel.open(code: 0x51, data, headerLength: 0, full: false) else { return SoftwareCardChannel.integrityError }
            return state.channel.seal(uid, full: true)
        case 0xAD:  // ReadData of the NDEF file, in clear (free read access)
            guard data.count == 7, data[0] == CardLayout.ntagNDEFFile else { return [0x91, 0xF0] }
            let offset = command.three(at: 1), length = command.three(at: 4)
            let content = ndefContent(&state, uid: uid)
            let count = length == 0 ? content.count - offset : length
            guard offset + count <= content.count else { return [0x91, 0xBE] }
            return Array(content[offset..<(offset + count)]) + SoftwareCardChannel.ok
        case 0x8D:  // WriteData of the NDEF file (key 0), in full
            guard state.channel.authenticatedKey == 0 else { return SoftwareCardChannel.authenticationError }
            guard case .success(let body) = state.channel.open(code: 0x8D, data, headerLength: 7, full: true), body[0] == CardLayout.ntagNDEFFile else {
                return SoftwareCardChannel.integrityError
            }
            let offset = Int(body[1]) | Int(body[2]) << 8, bytes = Array(body.dropFirst(7))
            guard offset + bytes.count <= state.ndef.count else { return [0x91, 0xBE] }
            state.ndef.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
            return state.channel.seal([], full: false)
        case 0x5F:  // ChangeFileSettings, full: FileOption AR(2) SDMOptions SDMAR(2) PICC MACInput MAC offsets
            guard state.channel.authenticatedKey == 0 else { return SoftwareCardChannel.authenticationError }
            guard case .success(let body) = state.channel.open(code: 0x5F, data, headerLength: 1, full: true), body.count >= 4 else { return SoftwareCardChannel.integrityError }
            if body[1] & 0x40 != 0, body.count >= 16 {
                func three(_ at: Int) -> Int { Int(body[at]) | Int(body[at + 1]) << 8 | Int(body[at + 2]) << 16 }
                state.sdm = SDM(metaKey: body[6] >> 4, fileKey: body[6] & 0x0F, piccOffset: three(7), macInputOffset: three(10), macOffset: three(13))
            } else {
                state.sdm = nil
            }
            return state.channel.seal([], full: false)
        case 0xC4:
            return changeKey(data, &state)
        default:
            return [0x91, 0x1C]
        }
    }

    /// The NDEF file as a read sees it: with SDM on, the counter grows and the mirrors are filled.
    private static func ndefContent(_ state: inout State, uid: [UInt8]) -> [UInt8] {
        guard let sdm = state.sdm, Int(sdm.metaKey) < 5, Int(sdm.fileKey) < 5 else { return state.ndef }
        state.counter += 1
        var content = state.ndef
        let filler = (0..<5).map { _ in UInt8.random(in: 0...255, using: &state.random) }
        let picc = SUNMessage.encryptPICCData(uid: uid, counter: state.counter, metaKey: state.keys[Int(sdm.metaKey)], filler: filler)
        content.replaceSubrange(sdm.piccOffset..<(sdm.piccOffset + 32), with: Array(BadgeUID.hex(picc).utf8))
        let input = Array(content[sdm.macInputOffset..<sdm.macOffset])
        let mac = SUNMessage.mac(fileKey: state.keys[Int(sdm.fileKey)], uid: uid, counter: state.counter, input: input)
        content.replaceSubrange(sdm.macOffset..<(sdm.macOffset + 16), with: Array(BadgeUID.hex(mac).utf8))
        return content
    }

    private static func changeKey(_ data: [UInt8], _ state: inout State) -> [UInt8] {
        guard state.channel.authenticatedKey == 0 else { return SoftwareCardChannel.authenticationError }
        guard case .success(let body) = state.channel.open(code: 0xC4, data, headerLength: 1, full: true), body.count >= 18, body[0] < 5 else {
            return SoftwareCardChannel.integrityError
        }
        let number = Int(body[0])
        if number == 0 {
            state.keys[0] = Array(body[1..<17])
            state.versions[0] = body[17]
            state.channel.forget()
            return SoftwareCardChannel.ok
        }
        guard body.count >= 22 else { return SoftwareCardChannel.lengthError }
        let newKey = AES128.xor(Array(body[1..<17]), state.keys[number])
        guard AES128.crc32NK(newKey) == Array(body[18..<22]) else { return SoftwareCardChannel.integrityError }
        state.keys[number] = newKey
        state.versions[number] = body[17]
        return state.channel.seal([], full: false)
    }
}
