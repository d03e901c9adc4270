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
    /// One look, for readers that deliver more than bytes (a Wiegand reader's card numbers,
    /// keypad keys and bad frames). By default what ``poll()`` returns.
    func read() throws(ReaderFault) -> ReaderInput?
    /// What the reader says it is (an OSDP reader's identity and capabilities), for `status`;
    /// nil when it says nothing. Never a key.
    var identity: String? { get }
}

extension CredentialReaderPort {
    public var identity: String? { nil }

    public func read() throws(ReaderFault) -> ReaderInput? {
        try poll().map(ReaderInput.bytes)
    }
}

/// What one look at a reader found.
public enum ReaderInput: Sendable, Equatable {
    /// A UID's bytes, or a scanned code's.
    case bytes([UInt8])
    /// A card number (contract 7.1's `card` value).
    case card(String)
    /// Keys typed on the reader's keypad.
    case keys(String)
    /// A frame that must not be decided (a parity error, a stray bit count), with why.
    case badFrame(String)
    /// The reader's own tamper switch (an OSDP reader's status): true when opened.
    case tamper(Bool)
    /// The reader cannot be used (an OSDP reader offline, or refusing its key), with why.
    case down(String)
    /// A card an authenticating NFC reader checked (contract 7.3): genuine or not.
    case checkedCard(CardCheck)

    /// What a Wiegand frame (or an OSDP reader's card bits, read by the same formats) is.
    public init(frame: WiegandDecoder.Frame) {
        self =
            switch frame {
            case .card(_, let value): .card(value)
            case .raw(let value): .card(value)
            case .key(let key): .keys(String(key))
            case .fault(.parity(let format, let bits)): .badFrame("parity error in a \(bits)-bit frame (\(format))")
            case .fault(.badKey(let bits)): .badFrame("a \(bits)-bit keypad frame whose halves disagree")
            case .fault(.overflow): .badFrame("more than \(WiegandDecoder.maximumBits) bits without a pause")
            case .fault(.stray(let bits)): .badFrame("a stray \(bits)-bit frame (noise on the lines?)")
            }
    }
}
