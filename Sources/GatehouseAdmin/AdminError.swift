import GatehouseCore
/// A failure of an admin tool, with a stable code and the place it concerns.
public typealias AdminError = CodedError<AdminErrors>

/// The codes of `AdminError`.
public enum AdminErrors: ErrorDomain {
    public static let name = "admin"
    public static let codes: [ErrorCode<AdminErrors>] = [.exists, .input, .io, .key, .sign]
}

extension ErrorCode where Domain == AdminErrors {
    /// The file to write exists already.
    public static let exists = ErrorCode("exists")
    /// An input file or argument is invalid.
    public static let input = ErrorCode("input")
    /// A file cannot be read or written.
    public static let io = ErrorCode("io")
    /// A key file is invalid.
    public static let key = ErrorCode("key")
    /// Signing failed.
    public static let sign = ErrorCode("sign")
}
