/// Why a bundle record is malformed: which field, and what was expected there.
public struct MalformedRecord: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field's path inside the record (`windows[1].from`), or empty for the record as a whole.
    public var field: String
    /// What is wrong, in words an administrator can act on.
    public var problem: String

    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }

    public var description: String { field.isEmpty ? problem : "field `\(field)`: \(problem)" }
}
