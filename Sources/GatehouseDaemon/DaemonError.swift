/// A failure of the daemon's environment, with a stable code.
public struct DaemonError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `daemon.config`, `daemon.store`, `daemon.socket`, `daemon.notify`, `daemon.busy`,
    /// `daemon.request` or `daemon.permission`.
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
