import GatehouseCore

/// What `gatehouse status` shows: the applied bundle, record counts, the mode, occupancy and
/// the outbox.
public struct StoreStatus: Sendable, Equatable {
    public var applied: AppliedBundle?
    /// Records per type, every type listed.
    public var counts: [RecordType: Int]
    /// Events not yet published.
    public var outboxDepth: Int
    /// When the oldest event not yet published happened; nil when none waits.
    public var oldestWaiting: Timestamp?
    /// The newest access decisions (`access.granted` and `access.denied`), newest first, at
    /// most five.
    public var recentDecisions: [StoredEvent] = []
    /// Events stored in all, published or not.
    public var outboxTotal: Int
    /// The `seq` of the newest event, 0 before the first.
    public var lastSeq: Int64
    /// The device's mode, as the daemon keeps it.
    public var mode: DeviceMode
    /// How many are inside each zone, by the device's own count.
    public var headcount: [String: Int]
    /// The clock floor the store knows (contract 7.4): the later of the newest event's time
    /// and the applied bundle's `iat`; nil with neither.
    public var clockFloor: Timestamp?
    /// The floor at which the daemon found the system clock behind it, while that lasts.
    public var clockSuspectFloor: Timestamp?
}
