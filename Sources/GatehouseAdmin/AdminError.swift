/// A failure of an admin tool, with a stable code and the place it concerns.
public struct AdminError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `admin.io`, `admin.key`, `admin.input`, `admin.exists`, `admin.sign`.
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
