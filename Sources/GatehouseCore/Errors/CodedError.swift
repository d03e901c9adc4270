/// A module's family of errors: its name, which prefixes its codes (`store`, `nfc`), and the
/// closed set of codes it can throw, which docs/errors.md lists and a test compares with it.
public protocol ErrorDomain: Sendable {
    static var name: String { get }
    /// Every code of the domain.
    static var codes: [ErrorCode<Self>] { get }
}

/// One code of a domain, declared as a `static let` on `ErrorCode where Domain == …` by the
/// module that owns the domain (only this package can make one), and matched by value:
/// `switch error.code { case .sqlite: … }` or `catch let error as StoreError where error.code == .io`.
public struct ErrorCode<Domain: ErrorDomain>: Sendable, Hashable, CustomStringConvertible {
    /// The code's name within its domain (`sqlite`).
    public let name: String

    package init(_ name: String) {
        self.name = name
    }

    /// `store.sqlite`, as logs and replies show it.
    public var description: String { "\(Domain.name).\(name)" }
}

/// The one shape of every module's error: a code from the module's closed set, and a message
/// for people that names what went wrong and where. Two errors are equal when their codes are.
public struct CodedError<Domain: ErrorDomain>: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: ErrorCode<Domain>
    public var message: String

    public init(_ code: ErrorCode<Domain>, _ message: String) {
        self.code = code
        self.message = message
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
