import GatehouseCore
/// A zlib failure, with zlib's own return code and message.
public typealias GzipError = CodedError<GzipErrors>

/// The codes of `GzipError`.
public enum GzipErrors: ErrorDomain {
    public static let name = "gzip"
    public static let codes: [ErrorCode<GzipErrors>] = [.corrupt, .`internal`, .truncated]
}

extension ErrorCode where Domain == GzipErrors {
    /// The compressed data is damaged.
    public static let corrupt = ErrorCode("corrupt")
    /// Zlib failed (out of memory).
    public static let `internal` = ErrorCode("internal")
    /// The compressed data ends too early.
    public static let truncated = ErrorCode("truncated")
}
