/// Why a reader could not be opened or polled.
public struct ReaderFault: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable reason: `open_failed`, `io_error` or `aborted`.
    public enum Reason: String, Sendable {
        case openFailed = "open_failed"
        case ioError = "io_error"
        case aborted
        /// Frames that cannot be read, many in a row (Wiegand noise, a cut wire).
        case badFrames = "bad_frames"
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
