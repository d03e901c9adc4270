import GRDB
import GatehouseCore

/// The outbox as the publisher sees it: unpublished events by seq, marked published when the
/// broker acknowledges them, pruned after the retention period, held under a maximum.
public struct Outbox: Sendable {
    let database: GatehouseDatabase

    public init(database: GatehouseDatabase) {
        self.database = database
    }

    /// The unpublished events with `after < seq < before` (no upper bound when nil), oldest
    /// first, at most `limit`.
    public func unpublished(after: Int64, before: Int64?, limit: Int) throws(StoreError) -> [StoredEvent] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT seq, id, type, time, subject, payload FROM outbox WHERE published_at IS NULL AND seq > ? AND seq < ? ORDER BY seq LIMIT ?",
                arguments: [after, before ?? Int64.max, limit]
            ).map { row in
                StoredEvent(
                    seq: row[0], id: row[1], type: row[2], time: Timestamp(millisecondsSinceEpoch: row[3]), subject: row[4], payload: row[5])
            }
        }
    }

    /// Marks events published, in one transaction.
    public func markPublished(_ seqs: [Int64], at time: Timestamp) throws(StoreError) {
        guard !seqs.isEmpty else { return }
        try write { db in
            let statement = try db.cachedStatement(sql: "UPDATE outbox SET published_at = ? WHERE seq = ?")
            for seq in seqs { try statement.execute(arguments: [time.millisecondsSinceEpoch, seq]) }
        }
    }

    /// The seq the next stored event will get.
    public func nextSeq() throws(StoreError) -> Int64 {
        try database.read { db in try Int64.fetchOne(db, sql: "SELECT next_seq FROM device_state WHERE id = 1") ?? 1 }
    }

    /// How many events wait to be published.
    public func unpublishedCount() throws(StoreError) -> Int64 {
        try database.read { db in try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL") ?? 0 }
    }

    /// Deletes events published before `cutoff`, at most `limit` at a time so that the writer
    /// is never held for long; returns how many went.
    @discardableResult
    public func prune(publishedBefore cutoff: Timestamp, limit: Int = 10_000) throws(StoreError) -> Int {
        try write { db in
            try db.execute(
                sql: "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE published_at IS NOT NULL AND published_at < ? ORDER BY published_at LIMIT ?)",
                arguments: [cutoff.millisecondsSinceEpoch, limit])
            return db.changesCount
        }
    }

    /// Keeps the outbox at `maximum` events at most: published events go first, whatever their
    /// age; then the oldest unpublished ones. Returns the seqs of the unpublished events
    /// dropped, for the caller to report, or nil when none was.
    public func enforce(maximum: Int64) throws(StoreError) -> ClosedRange<Int64>? {
        try write { db in
            let total = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0
            var excess = total - maximum
            guard excess > 0 else { return nil }
            try db.execute(
                sql: "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE published_at IS NOT NULL ORDER BY seq LIMIT ?)", arguments: [excess])
            excess -= Int64(db.changesCount)
            guard excess > 0 else { return nil }
            let doomed = try Int64.fetchAll(db, sql: "SELECT seq FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT ?", arguments: [excess])
            guard let first = doomed.first, let last = doomed.last else { return nil }
            try db.execute(sql: "DELETE FROM outbox WHERE published_at IS NULL AND seq <= ?", arguments: [last])
            return first...last
        }
    }

    private func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        try database.write(body)
    }
}
