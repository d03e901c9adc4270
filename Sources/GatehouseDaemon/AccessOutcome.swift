import GatehouseCore
import GatehouseStore

/// What became of one presentation: the request as the reader served it, the decision, and
/// the events stored for it.
public struct AccessOutcome: Sendable {
    public var request: AccessRequest
    public var decision: AccessDecision
    /// The stored events, the access event first; empty when storing failed.
    public var events: [StoredEvent]

    /// The access event's id.
    public var eventID: String? { events.first?.id }

    /// Whether the reader now waits for a PIN: the decision is provisional, nothing is stored.
    public var waitsForPIN: Bool { decision.needsPIN }

    /// Whether the reader now waits for a second person (contract 7.5): provisional, nothing stored.
    public var waitsForCompanion: Bool { decision.waitsForCompanion }
}

/// What keys typed at a reader did.
public enum KeysOutcome: Sendable {
    /// The PIN is not complete: this many digits so far.
    case typing(digits: Int)
    /// The PIN completed the presentation waiting there: its outcome.
    case decided(AccessOutcome)
}
