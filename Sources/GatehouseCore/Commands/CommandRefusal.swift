/// The stable reason codes for refusing a command (protocol section 6).
public enum CommandRefusalReason: String, Sendable, CaseIterable {
    case badSignature = "bad_signature"
    case unknownKey = "unknown_key"
    case wrongAudience = "wrong_audience"
    case expired
    case notYetValid = "not_yet_valid"
    case replayed
    case malformed
    case unknownCommand = "unknown_command"
    case badArgs = "bad_args"
}

/// A refused command: the reason code, a sentence for the operator, and the `jti` when the
/// token could be read (the ack's `id`).
public struct CommandRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: CommandRefusalReason
    public var detail: String
    public var id: String?

    public init(_ reason: CommandRefusalReason, _ detail: String, id: String? = nil) {
        self.reason = reason
        self.detail = detail
        self.id = id
    }

    public var description: String { "\(reason.rawValue): \(detail)" }
}
