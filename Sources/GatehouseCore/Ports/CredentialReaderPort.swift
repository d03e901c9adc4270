/// A reader the daemon's reader thread polls for credentials: `GatehouseNFC`'s libnfc reader
/// and its simulated twin (badge UIDs), `GatehouseQR`'s serial scanner (scanned codes). Every
/// call but ``interrupt()`` blocks and belongs on the reader's own thread; each returns within a
/// bounded time.
public protocol CredentialReaderPort: AnyObject, Sendable {
    /// Where the reader is: a libnfc connection string or a device path. Never a secret.
    var connection: String { get }
    /// Opens the device and readies it for polling.
    func open() throws(ReaderFault)
    /// One look for a credential: the UID bytes of the card in the field, or the bytes of a code
    /// scanned since the last look; nil when there is none.
    func poll() throws(ReaderFault) -> [UInt8]?
    /// Interrupts a call in progress, from any thread; it then fails with `aborted`.
    func interrupt()
    /// Releases the device; ``open()`` may follow.
    func close()
}
