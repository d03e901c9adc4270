import GatehouseCore

/// An event as the outbox holds it.
public struct StoredEvent: Sendable, Equatable {
    public var seq: Int64
    public var id: String
    public var type: String
    public var time: Timestamp
    public var subject: String
    /// The CloudEvent as JSON text, exactly as it is published.
    public var payload: String
    public var publishedAt: Timestamp?
}
