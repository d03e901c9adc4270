import GatehouseCore
import Synchronization

/// The badge-reader port on libnfc: opens the device by its connection string and looks for an
/// ISO 14443A card on each poll. Once a card has been seen, each poll first switches the field
/// off and on, so that a card still on the reader answers again and is known to be held rather
/// than taken away.
public final class NFCBadgeReader: CredentialReaderPort {
    public let connection: String
    private let context: NFCContext
    private let commandTimeoutMilliseconds: Int32

    private struct State {
        var device: NFCDevice?
        var cardWasInField = false
    }

    private let state = Mutex(State())

    public init(context: NFCContext, connection: String, commandTimeoutMilliseconds: Int32 = 500) {
        self.context = context
        self.connection = connection
        self.commandTimeoutMilliseconds = commandTimeoutMilliseconds
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
