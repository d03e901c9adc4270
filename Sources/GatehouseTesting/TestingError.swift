/// Why a fixture of the test kit could not do its work: an emulator that cannot start, a
/// daemon that does not answer. The test kit's one error type; its message says what and where.
public struct TestingError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) { self.description = description }
}
