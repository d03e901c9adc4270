/// A failure of the store, with a stable code.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `store.open`, `store.io`, `store.sqlite` or `store.migration`.
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
