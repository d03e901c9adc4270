/// A zlib failure, with zlib's own return code and message.
public struct GzipError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable code: `gzip.corrupt`, `gzip.truncated` or `gzip.internal`.
    public var code: String
    public var message: String

    public var description: String { "\(code): \(message)" }
}
