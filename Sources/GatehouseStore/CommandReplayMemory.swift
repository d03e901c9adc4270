import GRDB
import GatehouseCore

/// The `jti`s of the commands the device accepted, kept in the database until each command
/// could no longer be accepted anyway, so that a replay is refused across restarts too.
public struct CommandReplayMemory: Sendable {
    let database: GatehouseDatabase

    public init(database: GatehouseDatabase) {
        self.database = database
    }

    /// Remembers `id` until `keepUntil`; false when it was already remembered (a replay).
    /// Entries past their time are forgotten first.
    public func remember(_ id: String, keepUntil: Timestamp, now: Timestamp) throws(StoreError) -> Bool {
        do {
            return try database.pool.write { db in
                try db.execute(sql: "DELETE FROM command_seen WHERE keep_until < ?", arguments: [now.millisecondsSinceEpoch])
                try db.execute(
                    sql: "INSERT OR IGNORE INTO command_seen (jti, keep_until) VALUES (?, ?)", arguments: [id, keepUntil.millisecondsSinceEpoch])
                return db.changesCount == 1
            }
        } catch {
            throw StoreError(.sqlite, "\(error)")
        }
    }
}
