import GatehouseCore

/// What `gatehouse status` shows: the applied bundle, record counts, outbox depth.
public struct StoreStatus: Sendable, Equatable {
    public var applied: AppliedBundle?
    /// Records per type, every type listed.
    public var counts: [RecordType: Int]
    /// Events not yet published.
    public var outboxDepth: Int
    /// Events stored in all, published or not.
    public var outboxTotal: Int
}
