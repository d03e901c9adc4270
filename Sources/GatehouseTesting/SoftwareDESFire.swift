import GatehouseCore
import Synchronization

/// A MIFARE DESFire EV2 in software: applications of AES keys with versions, standard data
/// files in clear, MAC or full communication with their access rights, AuthenticateEV2First
/// and EV2 secure messaging, GetCardUID, ChangeKey, and random IDs. Fresh, it is blank (no
/// applications), as a card from the factory.
public final class SoftwareDESFire: SoftwareCard {
    struct File {
        var mode: UInt8  // 0 clear, 1 MAC, 3 full
        var access: [UInt8]  // RW ‖ Change, Read ‖ Write
        var data: [UInt8]
        var readKey: UInt8 { access[1] >> 4 }
        var writeKey: UInt8 { access[1] & 0x0F }
        var readWriteKey: UInt8 { access[0] >> 4 }
    }

    struct Application {
        var keys: [[UInt8]]
        var versions: [UInt8]
        var files: [UInt8: File] = [:]
    }

    struct State {
        var applications: [[UInt8]: Application] = [:]
        var selected: [UInt8]?
        var channel = SoftwareCardChannel()
        var anticollisionUID: [UInt8]
        var random = SystemRandomNumberGenerator()
    }

    /// The card's real UID (7 bytes).
    public let uid: [UInt8]
    /// Whether it answers each activation with a new random 4-byte ID.
    public let randomID: Bool
    // The state is reached only under the lock.
    private let state: Mutex<State>

    public init(uid: [UInt8], randomID: Bool = false) {
        precondition(uid.count == 7, "a 7-byte UID")
        self.uid = uid
        self.randomID = randomID
        state = Mutex(State(anticollisionUID: uid))
    }

    public var activation: EmulatedCard {
        EmulatedCard(uid: state.withLock { $0.anticollisionUID }, atqa: [0x03, 0x44], sak: 0x20, ats: [0x06, 0x75, 0x77, 0x81, 0x02, 0x80])
    }

    public func activate() {
        state.withLock { state in
            state.selected = nil
            state.channel.forget()
            if randomID { state.anticollisionUID = [0x08] + (0..<3).map { _ in UInt8.random(in: 0...255, using: &state.random) } }
        }
    }

    /// The application ids on the card.
    public var applicationIDs: [[UInt8]] { state.withLock { Array($0.applications.keys) } }

    /// A key of an application as the card holds it, for tests of personalisation.
    public func key(_ number: Int, of aid: [UInt8]) -> [UInt8]? { state.withLock { $0.applications[aid]?.keys[number] } }

    public func respond(_ apdu: [UInt8]) -> [UInt8] {
        guard let command = NativeCommand(apdu) else { return [0x6E, 0x00] }
        return state.withLock { state in Self.handle(command, &state, uid: uid) }
    }

    private static func handle(_ command: NativeCommand, _ state: inout State, uid: [UInt8]) -> [UInt8] {
        let data = command.data
        let ok = SoftwareCardChannel.ok
        if command.code != 0xAF, state.channel.isAuthenticating { state.channel.forget() }
        switch command.code {
        case 0x5A:  // SelectApplication
            guard data.count == 3 else { return SoftwareCardChannel.lengthError }
            state.channel.forget()
            if data == [0, 0, 0] { state.selected = nil; return ok }
            guard state.applications[data] != nil else { return [0x91, 0xA0] }
            state.selected = data
            return ok
        case 0x6A:  // GetApplicationIDs
            guard state.selected == nil else { return [0x91, 0x1C] }
            return state.applications.keys.sorted { $0.lexicographicallyPrecedes($1) }.flatMap { $0 } + ok
        case 0xCA:  // CreateApplication
            guard state.selected == nil, data.count >= 5 else { return SoftwareCardChannel.lengthError }
            let aid = Array(data[0..<3])
            guard state.applications[aid] == nil else { return [0x91, 0xDE] }
            let count = Int(data[4] & 0x0F)
            state.applications[aid] = Application(keys: Array(repeating: AES128.zeroBlock, count: count), versions: Array(repeating: 0, count: count))
            return ok
        case 0x64:  // GetKeyVersion, in clear
            guard let aid = state.selected, let application = state.applications[aid], data.count == 1 else { return SoftwareCardChannel.lengthError }
            guard Int(data[0]) < application.keys.count else { return [0x91, 0x40] }
            return [application.versions[Int(data[0])]] + ok
        case 0x71:  // AuthenticateEV2First
            guard let aid = state.selected, let application = state.applications[aid], data.count >= 2 else { return SoftwareCardChannel.lengthError }
            guard Int(data[0]) < application.keys.count else { return [0x91, 0x40] }
            return state.channel.challenge(number: data[0], key: application.keys[Int(data[0])], random: &state.random)
        case 0xAF:
            return state.channel.answer(data, random: &state.random)
        case 0x51:  // GetCardUID, full
            switch state.channel.open(code: 0x51, data, headerLength: 0, full: false) {
            case .failure(let status): return status.bytes
            case .success: return state.channel.seal(uid, full: true)
            }
        case 0xAD:  // ReadData
            return read(data, &state)
        case 0x3D:  // WriteData
            return write(data, &state)
        case 0xCD:  // CreateStdDataFile, MAC
            guard let aid = state.selected else { return SoftwareCardChannel.permissionDenied }
            guard state.channel.authenticatedKey == 0 else { return SoftwareCardChannel.authenticationError }
            guard case .success(let body) = state.channel.open(code: 0xCD, data, headerLength: 1, full: false), body.count == 7 else { return SoftwareCardChannel.integrityError }
            guard state.applications[aid]?.files[body[0]] == nil else { return [0x91, 0xDE] }
            let size = Int(body[4]) | Int(body[5]) << 8 | Int(body[6]) << 16
            state.applications[aid]?.files[body[0]] = File(mode: body[1], access: [body[2], body[3]], data: [UInt8](repeating: 0, count: size))
            return state.channel.seal([], full: false)
        case 0xC4:  // ChangeKey, full
            return changeKey(data, &state)
        default:
            return [0x91, 0x1C]
        }
    }

    private static func file(_ state: State, _ number: UInt8) -> File? {
        state.selected.flatMap { state.applications[$0]?.files[number] }
    }

    private static func read(_ data: [UInt8], _ state: inout State) -> [UInt8] {
        guard data.count >= 7, let file = file(state, data[0]) else { return [0x91, 0xF0] }
        let key = state.channel.authenticatedKey
        guard key == file.readKey || key == file.readWriteKey else { return SoftwareCardChannel.permissionDenied }
        guard case .success(let header) = state.channel.open(code: 0xAD, data, headerLength: 7, full: false) else { return SoftwareCardChannel.integrityError }
        let offset = Int(header[1]) | Int(header[2]) << 8, length = Int(header[4]) | Int(header[5]) << 8
        let count = length == 0 ? file.data.count - offset : length
        guard offset + count <= file.data.count else { return [0x91, 0xBE] }
        return state.channel.seal(Array(file.data[offset..<(offset + count)]), full: file.mode == 3)
    }

    private static func write(_ data: [UInt8], _ state: inout State) -> [UInt8] {
        guard let aid = state.selected, data.count >= 7, let file = file(state, data[0]) else { return [0x91, 0xF0] }
        let key = state.channel.authenticatedKey
        guard key == file.writeKey || key == file.readWriteKey else { return SoftwareCardChannel.permissionDenied }
        guard case .success(let body) = state.channel.open(code: 0x3D, data, headerLength: 7, full: file.mode == 3) else { return SoftwareCardChannel.integrityError }
        let offset = Int(body[1]) | Int(body[2]) << 8, bytes = Array(body.dropFirst(7))
        guard offset + bytes.count <= file.data.count else { return [0x91, 0xBE] }
        state.applications[aid]?.files[data[0]]?.data.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
        return state.channel.seal([], full: false)
    }

    private static func changeKey(_ data: [UInt8], _ state: inout State) -> [UInt8] {
        guard let aid = state.selected, let application = state.applications[aid], !data.isEmpty else { return SoftwareCardChannel.permissionDenied }
        guard state.channel.authenticatedKey == 0 else { return SoftwareCardChannel.authenticationError }
        guard case .success(let body) = state.channel.open(code: 0xC4, data, headerLength: 1, full: true), body.count >= 18 else { return SoftwareCardChannel.integrityError }
        let number = Int(body[0])
        guard number < application.keys.count else { return [0x91, 0x40] }
        if number == 0 {
            state.applications[aid]?.keys[0] = Array(body[1..<17])
            state.applications[aid]?.versions[0] = body[17]
            state.channel.forget()
            return SoftwareCardChannel.ok
        }
        guard body.count >= 22 else { return SoftwareCardChannel.lengthError }
        let newKey = AES128.xor(Array(body[1..<17]), application.keys[number])
        guard AES128.crc32NK(newKey) == Array(body[18..<22]) else { return SoftwareCardChannel.integrityError }
        state.applications[aid]?.keys[number] = newKey
        state.applications[aid]?.versions[number] = body[17]
        return state.channel.seal([], full: false)
    }
}
