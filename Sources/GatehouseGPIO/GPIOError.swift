/// A GPIO failure with a stable code (`gpio.open`, `gpio.line`, `gpio.request`, `gpio.input`),
/// translated from libgpiod's errno at the C boundary.
public struct GPIOError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
