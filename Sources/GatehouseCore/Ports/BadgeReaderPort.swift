/// A badge reader as the daemon's reader thread drives it: `GatehouseNFC`'s libnfc reader or its
/// simulated twin. Every call but ``abort()`` blocks and belongs on the reader's own thread;
/// each returns within a bounded time.
public protocol BadgeReaderPort: AnyObject, Sendable {
    /// Where the reader is: a libnfc connection string, say. Never a secret.
    var connection: String { get }
    /// Opens the device and readies it for polling.
    func open() throws(ReaderFault)
    /// One look for a card: the UID bytes of the card in the field, or nil.
    func poll() throws(ReaderFault) -> [UInt8]?
    /// Interrupts a call in progress, from any thread; it then fails with `aborted`.
    func abort()
    /// Releases the device; ``open()`` may follow.
    func close()
}

/// Why a reader could not be opened or polled.
public struct ReaderFault: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable reason: `open_failed`, `io_error` or `aborted`.
    public enum Reason: String, Sendable {
        case openFailed = "open_failed"
        case ioError = "io_error"
        case aborted
    }

    public var reason: Reason
    /// What the driver said, for people.
    public var detail: String

    public init(_ reason: Reason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    public var description: String { "\(reason.rawValue): \(detail)" }
}
