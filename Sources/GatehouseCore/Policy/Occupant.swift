/// Who is counted inside a zone: a person from the cache, or a visitor by their invite, so that
/// a shared screenshot of one invite cannot count twice (protocol section 2).
public enum Occupant: Sendable, Hashable, CustomStringConvertible {
    case person(String)
    case invite(String)

    /// `person:ID` or `invite:ID`, as the store keeps it.
    public var description: String {
        switch self {
        case .person(let id): "person:\(id)"
        case .invite(let id): "invite:\(id)"
        }
    }

    /// Reads the stored form back.
    public init?(_ text: String) {
        if text.hasPrefix("person:") {
            self = .person(String(text.dropFirst(7)))
        } else if text.hasPrefix("invite:") {
            self = .invite(String(text.dropFirst(7)))
        } else {
            return nil
        }
    }
}
