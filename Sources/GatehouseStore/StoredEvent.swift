import GRDB
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

extension StoredEvent {
    /// The columns ``init(row:)`` reads, in a SELECT from `outbox`.
    static let columns = "seq, id, type, time, subject, payload, published_at"

    /// An outbox row selected with ``columns``.
    init(row: Row) {
        self.init(
            seq: row["seq"], id: row["id"], type: row["type"], time: Timestamp(millisecondsSinceEpoch: row["time"]), subject: row["subject"],
            payload: row["payload"], publishedAt: (row["published_at"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:)))
    }
}
