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
}
