import GatehouseCore
import Synchronization

/// The badge-reader port on libnfc: opens the device by its connection string and looks for an
/// ISO 14443A card on each poll. Once a card has been seen, each poll first switches the field
/// off and on, so that a card still on the reader answers again and is known to be held rather
/// than taken away.
///
/// With an ``CardAuthenticator`` (`card_security = "desfire"` or `"ntag424"`), a card newly in
/// the field is checked at once and read as ``ReaderInput/checkedCard(_:)``; while it stays,
/// each poll repeats that check's outcome rather than running it again.
public final class NFCBadgeReader: CredentialReaderPort {
    public let connection: String
    private let context: NFCContext
    private let commandTimeoutMilliseconds: Int32
    private let authenticator: CardAuthenticator?

    private struct State {
        var device: NFCDevice?
        var cardWasInField = false
        /// The last check, and the anticollision UID it was made for, while the card stays.
        var held: (uid: [UInt8], check: CardCheck)?
    }

    private let state = Mutex(State())

    public init(context: NFCContext, connection: String, commandTimeoutMilliseconds: Int32 = 500, authenticator: CardAuthenticator? = nil) {
        self.context = context
        self.connection = connection
        self.commandTimeoutMilliseconds = commandTimeoutMilliseconds
        self.authenticator = authenticator
    }

    public func open() throws(ReaderFault) {
        close()
        do {
            let device = try NFCDevice(context: context, connection: connection, commandTimeoutMilliseconds: commandTimeoutMilliseconds)
            state.withLock { $0 = State(device: device) }
        } catch {
            throw ReaderFault(.openFailed, error.message)
        }
    }

    public func poll() throws(ReaderFault) -> [UInt8]? {
        let (device, resetFirst) = state.withLock { ($0.device, $0.cardWasInField) }
        guard let device else { throw ReaderFault(.ioError, "\(connection): the reader is not open") }
        do {
            if resetFirst { try device.resetField() }
            let card = try device.selectCard()
            state.withLock { $0.cardWasInField = card != nil }
            return card?.uid
        } catch {
            throw ReaderFault(error.code == .aborted ? .aborted : .ioError, error.message)
        }
    }

    public func read() throws(ReaderFault) -> ReaderInput? {
        guard let authenticator else { return try poll().map(ReaderInput.bytes) }
        let (device, resetFirst, held) = state.withLock { ($0.device, $0.cardWasInField, $0.held) }
        guard let device else { throw ReaderFault(.ioError, "\(connection): the reader is not open") }
        let card: NFCCard?
        do {
            if resetFirst { try device.resetField() }
            card = try device.selectCard()
        } catch {
            throw ReaderFault(error.code == .aborted ? .aborted : .ioError, error.message)
        }
        guard let card else {
            state.withLock { $0.cardWasInField = false; $0.held = nil }
            return nil
        }
        // The same card still held: a random ID changes at each select, so any two random IDs
        // in a row count as the card that stayed.
        if let held, held.uid == card.uid || (CardLayout.isRandomID(held.uid) && CardLayout.isRandomID(card.uid)) {
            state.withLock { $0.cardWasInField = true; $0.held?.uid = card.uid }
            return .checkedCard(held.check)
        }
        var random = SystemRandomNumberGenerator()
        let transport = NFCCardTransport(device: device, timeoutMilliseconds: commandTimeoutMilliseconds)
        let check = authenticator.check(uid: card.uid, sak: card.sak, over: transport, random: &random)
        if check.failure?.reason == .aborted { throw ReaderFault(.aborted, check.failure?.detail ?? "aborted") }
        // A card taken away during the check is not held: the next select decides.
        state.withLock { $0.cardWasInField = true; $0.held = check.failure?.reason == .removed ? nil : (card.uid, check) }
        return .checkedCard(check)
    }

    public func interrupt() {
        state.withLock { $0.device }?.interrupt()
    }

    public func close() {
        let device = state.withLock { state in
            defer { state = State() }
            return state.device
        }
        device?.close()
    }
}
