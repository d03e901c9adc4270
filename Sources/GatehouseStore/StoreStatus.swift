import GRDB
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

extension GatehouseDatabase {
    /// Reads the status on one snapshot, so that the figures agree with each other.
    public func status() throws(StoreError) -> StoreStatus {
        try read { db in
            StoreStatus(
                applied: try Self.appliedBundle(db), counts: try Self.counts(db),
                outboxDepth: try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE published_at IS NULL") ?? 0,
                outboxTotal: try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0)
        }
    }

    static func counts(_ db: Database) throws -> [RecordType: Int] {
        var counts: [RecordType: Int] = [:]
        for type in RecordType.allCases {
            counts[type] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table(for: type))") ?? 0
        }
        return counts
    }

    /// The credential stored for a badge UID or code, by the index the decision engine uses.
    /// One statement is atomic by itself, so it runs without GRDB's snapshot transaction, which
    /// would cost more than the lookup.
    public func credential(format: Credential.Format, value: String) throws(StoreError) -> Credential? {
        do {
            return try pool.unsafeRead { db in try Self.credential(db, format: format, value: value) }
        } catch {
            throw StoreError(code: "store.sqlite", message: "\(error)")
        }
    }

    static func credential(_ db: Database, format: Credential.Format, value: String) throws -> Credential? {
        // A cached statement: the lookup sits on the decision path.
        let statement = try db.cachedStatement(sql: "SELECT id, person, status, valid_from, valid_until FROM credential WHERE format = ? AND value = ?")
        return try Row.fetchOne(statement, arguments: [format.rawValue, value]).map { row in
                // Columns by position: GRDB matches names case-insensitively, which costs on this path.
                Credential(
                    id: row[0], person: row[1], format: format, value: value,
                    status: Credential.Status(rawValue: row[2]) ?? .revoked,
                    validFrom: (row[3] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:)),
                    validUntil: (row[4] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:)))
            }
    }

    /// SQLite's own consistency check: `ok` when the file is sound.
    public func integrityCheck() throws(StoreError) -> String {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }
}
