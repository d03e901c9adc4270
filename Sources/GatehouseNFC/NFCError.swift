import GatehouseCore
/// What went wrong with an NFC reader, with a stable code: `nfc.open` (the device could not be
/// opened or did not answer as a reader), `nfc.io` (a command failed: the reader answered
/// wrongly, went away or timed out), `nfc.aborted` (interrupted by ``NFCDevice/interrupt()``),
/// `nfc.unsupported` (the device cannot read ISO 14443A).
public typealias NFCError = CodedError<NFCErrors>

/// The codes of `NFCError`.
public enum NFCErrors: ErrorDomain {
    public static let name = "nfc"
    public static let codes: [ErrorCode<NFCErrors>] = [.aborted, .io, .open]
}

extension ErrorCode where Domain == NFCErrors {
    /// A command was aborted by a stop.
    public static let aborted = ErrorCode("aborted")
    /// The reader did not answer as it should.
    public static let io = ErrorCode("io")
    /// Libnfc or the reader cannot be opened.
    public static let open = ErrorCode("open")
}
