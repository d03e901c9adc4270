/// What went wrong with an NFC reader, with a stable code: `nfc.open` (the device could not be
/// opened or did not answer as a reader), `nfc.io` (a command failed: the reader answered
/// wrongly, went away or timed out), `nfc.aborted` (interrupted by ``NFCDevice/interrupt()``),
/// `nfc.unsupported` (the device cannot read ISO 14443A).
public struct NFCError: Error, CustomStringConvertible, Sendable, Equatable {
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
