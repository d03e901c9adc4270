import GatehouseCore
import Synchronization

/// The badge-reader port's simulated twin: a test sets the card in the field and can make the
/// reader fail to open or to poll.
public final class SimulatedBadgeReader: CredentialReaderPort {
    public let connection: String

    private struct State {
        var card: [UInt8]?
        var failing = false
        var open = false
        var polls = 0
    }

    private let state = Mutex(State())

    public init(connection: String = "simulated") {
        self.connection = connection
    }

    /// The UID in the field; nil: no card.
    public var card: [UInt8]? {
        get { state.withLock { $0.card } }
        set { state.withLock { $0.card = newValue } }
    }

    /// While true, opening and polling fail with `io_error`, as an unplugged reader.
    public var failing: Bool {
        get { state.withLock { $0.failing } }
        set { state.withLock { $0.failing = newValue } }
    }

    /// How many polls succeeded.
    public var polls: Int { state.withLock { $0.polls } }

    public func open() throws(ReaderFault) {
        let failing = state.withLock { state in
            state.open = !state.failing
            return state.failing
        }
        if failing { throw ReaderFault(.openFailed, "\(connection): simulated reader unplugged") }
    }

    public func poll() throws(ReaderFault) -> [UInt8]? {
        let result: Result<[UInt8]?, ReaderFault> = state.withLock { state in
            guard state.open, !state.failing else { return .failure(ReaderFault(.ioError, "\(connection): simulated reader unplugged")) }
            state.polls += 1
            return .success(state.card)
        }
        return try result.get()
    }

    public func interrupt() {}

    public func close() {
        state.withLock { $0.open = false }
    }
}
