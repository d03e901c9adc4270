/// A muster another device of the site stored (contract 7.5), read from its published
/// `gatehouse.emergency.mustered` CloudEvent: who, and at which of its readers. Anything else on
/// the emergency topic (its muster lists, mode changes) is not one.
public struct RemoteMuster: Sendable, Equatable {
    public var occupant: Occupant
    public var device: String
    public var reader: String

    /// The muster in `payload`, published on `device`'s emergency topic of `site`; nil for
    /// another event type, and a problem for a payload that is not a muster it can take.
    public static func parse(_ payload: [UInt8], site: String, device: String) -> Result<RemoteMuster?, Problem> {
        guard case .object(let event)? = try? JSONReader.parse(payload) else { return .failure(.malformed("not a JSON object")) }
        guard event.string("type") == EventType.emergencyMustered.rawValue else { return .success(nil) }
        guard event.string("source") == PendingEvent.source(site: site, device: device) else {
            return .failure(.malformed("its source is not \(PendingEvent.source(site: site, device: device))"))
        }
        guard let data = event.object("data"), let reader = data.string("reader"), Identifier.isValid(reader) else {
            return .failure(.malformed("data.reader is missing"))
        }
        let occupant: Occupant
        if let person = data.string("person"), Identifier.isValid(person) {
            occupant = .person(person)
        } else if let invite = data.string("invite"), Identifier.isValid(invite) {
            occupant = .invite(invite)
        } else {
            return .failure(.malformed("data has neither a person nor an invite"))
        }
        return .success(RemoteMuster(occupant: occupant, device: device, reader: reader))
    }

    /// Why a message on the emergency topic was not taken.
    public enum Problem: Error, Sendable, Equatable {
        case malformed(String)
    }
}
