/// A badge reader as the daemon's reader thread drives it: `GatehouseNFC`'s libnfc reader or its
/// simulated twin. Every call but ``interrupt()`` blocks and belongs on the reader's own thread;
/// each returns within a bounded time.
public protocol BadgeReaderPort: AnyObject, Sendable {
    /// Where the reader is: a libnfc connection string, say. Never a secret.
    var connection: String { get }
    /// Opens the device and readies it for polling.
    func open() throws(ReaderFault)
    /// One look for a card: the UID bytes of the card in the field, or nil.
    func poll() throws(ReaderFault) -> [UInt8]?
    /// Interrupts a call in progress, from any thread; it then fails with `aborted`.
    func interrupt()
    /// Releases the device; ``open()`` may follow.
    func close()
}
