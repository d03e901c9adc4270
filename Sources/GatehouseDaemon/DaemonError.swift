/// A failure of the daemon or of a request made of it, with a code from a closed set.
///
/// Match on ``code`` (`switch error.code { case .busy: … }`, or
/// `catch let error as DaemonError where error.code == .config`), never on the message. Two
/// errors are equal when their codes are.
public struct DaemonError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure it is: `daemon.` and one of the names below, as logged.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, CaseIterable, Sendable {
            case config, store, socket, notify, busy, request, permission, gpio, nfc, mqtt
        }

        private let base: Base

        /// The configuration file, or a file it names, has problems (exit status 1).
        public static let config = Code(base: .config)
        /// The database could not be opened or written.
        public static let store = Code(base: .store)
        /// The control socket could not be made, reached or read.
        public static let socket = Code(base: .socket)
        /// systemd's notify socket could not be used.
        public static let notify = Code(base: .notify)
        /// The access thread's queue is full, shutting down, or did not answer in time.
        public static let busy = Code(base: .busy)
        /// A request on the control socket is malformed or names what does not exist.
        public static let request = Code(base: .request)
        /// The peer on the control socket may not do that.
        public static let permission = Code(base: .permission)
        /// A GPIO line could not be claimed.
        public static let gpio = Code(base: .gpio)
        /// libnfc could not be initialised.
        public static let nfc = Code(base: .nfc)
        /// The MQTT client could not be made.
        public static let mqtt = Code(base: .mqtt)

        /// Every code the module can throw, for the documentation's test.
        public static let all: [Code] = Base.allCases.map(Code.init(base:))

        /// `daemon.config` and so on.
        public var description: String { "daemon.\(base.rawValue)" }
    }

    public let code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public static func == (lhs: DaemonError, rhs: DaemonError) -> Bool { lhs.code == rhs.code }

    public var description: String { "\(code): \(message)" }
}
