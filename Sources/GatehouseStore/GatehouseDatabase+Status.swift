import GRDB
import GatehouseCore

extension GatehouseDatabase {
    /// Reads the status: the policy file's figures, then the state's on one snapshot.
    public func status() throws(StoreError) -> StoreStatus {
        let policy = try openPolicy()
        let applied = try policy?.appliedBundle()
        var counts = try policy?.counts() ?? [:]
        for type in RecordType.allCases where counts[type] == nil { counts[type] = 0 }
        return try read { db in
            let device = try Row.fetchOne(db, sql: "SELECT next_seq, mode FROM device_state WHERE id = 1")
            let headcount = try Row.fetchAll(db, sql: "SELECT zone, count(*) AS inside FROM occupancy GROUP BY zone").map { ($0["zone"] as String, $0["inside"] as Int) }
            return StoreStatus(
                applied: applied, counts: counts,
                outboxDepth: try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE published_at IS NULL") ?? 0,
                outboxTotal: try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0,
                lastSeq: (device?["next_seq"] as Int64? ?? 1) - 1,
                mode: DeviceMode(DeviceMode.Kind(rawValue: device?["mode"] ?? "normal") ?? .normal),
                headcount: Dictionary(uniqueKeysWithValues: headcount))
        }
    }

    /// SQLite's own consistency check: `ok` when the file is sound.
    public func integrityCheck() throws(StoreError) -> String {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }
}
