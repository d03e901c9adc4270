import GatehouseCore

/// A failure of the daemon or of a request made of it.
public typealias DaemonError = CodedError<DaemonErrors>

/// The codes of `DaemonError`.
public enum DaemonErrors: ErrorDomain {
    public static let name = "daemon"
    public static let codes: [ErrorCode<DaemonErrors>] = [.config, .store, .socket, .notify, .busy, .request, .permission, .gpio, .nfc, .mqtt]
}

extension ErrorCode where Domain == DaemonErrors {
    /// The configuration file, or a file it names, has problems (exit status 1).
    public static let config = ErrorCode("config")
    /// The database could not be opened or written.
    public static let store = ErrorCode("store")
    /// The control socket could not be made, reached or read.
    public static let socket = ErrorCode("socket")
    /// systemd's notify socket could not be used.
    public static let notify = ErrorCode("notify")
    /// The access thread's queue is full, shutting down, or did not answer in time.
    public static let busy = ErrorCode("busy")
    /// A request on the control socket is malformed or names what does not exist.
    public static let request = ErrorCode("request")
    /// The peer on the control socket may not do that.
    public static let permission = ErrorCode("permission")
    /// A GPIO line could not be claimed.
    public static let gpio = ErrorCode("gpio")
    /// libnfc could not be initialised.
    public static let nfc = ErrorCode("nfc")
    /// The MQTT client could not be made.
    public static let mqtt = ErrorCode("mqtt")
}
