import GatehouseCore
/// A GPIO failure with a stable code (`gpio.open`, `gpio.line`, `gpio.request`),
/// translated from libgpiod's errno at the C boundary.
public typealias GPIOError = CodedError<GPIOErrors>

/// The codes of `GPIOError`.
public enum GPIOErrors: ErrorDomain {
    public static let name = "gpio"
    public static let codes: [ErrorCode<GPIOErrors>] = [.line, .open, .request]
}

extension ErrorCode where Domain == GPIOErrors {
    /// A line number the chip does not have.
    public static let line = ErrorCode("line")
    /// A GPIO chip cannot be opened.
    public static let open = ErrorCode("open")
    /// A line cannot be claimed (another program holds it).
    public static let request = ErrorCode("request")
}
