import GRDB
import GatehouseCore

extension GatehouseDatabase {
    /// Reads the status on one snapshot, so that the figures agree with each other.
    public func status() throws(StoreError) -> StoreStatus {
        try read { db in
            let device = try Row.fetchOne(db, sql: "SELECT next_seq, mode FROM device_state WHERE id = 1")
            let headcount = try Row.fetchAll(db, sql: "SELECT zone, count(*) AS inside FROM occupancy GROUP BY zone").map { ($0["zone"] as String, $0["inside"] as Int) }
            return StoreStatus(
                applied: try Self.appliedBundle(db), counts: try Self.counts(db),
                outboxDepth: try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE published_at IS NULL") ?? 0,
                outboxTotal: try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0,
                lastSeq: (device?["next_seq"] as Int64? ?? 1) - 1,
                mode: DeviceMode(DeviceMode.Kind(rawValue: device?["mode"] ?? "normal") ?? .normal),
                headcount: Dictionary(uniqueKeysWithValues: headcount))
        }
    }

    static func counts(_ db: Database) throws -> [RecordType: Int] {
        var counts: [RecordType: Int] = [:]
        for type in RecordType.allCases {
            counts[type] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table(for: type))") ?? 0
        }
        return counts
    }

    /// SQLite's own consistency check: `ok` when the file is sound.
    public func integrityCheck() throws(StoreError) -> String {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }
}
