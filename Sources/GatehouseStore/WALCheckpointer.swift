import GRDB
import GatehouseCore

/// Copies committed pages from the write-ahead log back into the database file, on a
/// connection of its own. A passive checkpoint takes no write lock: commits go on while it
/// runs, and it stops short of pages a reader still needs.
public final class WALCheckpointer: Sendable {
    /// The connection; GRDB serialises the calls on it.
    private let queue: DatabaseQueue

    public init(_ database: GatehouseDatabase) throws(StoreError) {
        var configuration = Configuration()
        configuration.label = "gatehouse.checkpointer"
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        do {
            queue = try DatabaseQueue(path: database.path, configuration: configuration)
        } catch {
            throw StoreError(.open, "cannot open \(database.path) for checkpoints: \(error)")
        }
    }

    /// Runs one passive checkpoint; returns the pages in the log and how many are now in the
    /// database file.
    @discardableResult
    public func checkpoint() throws(StoreError) -> (logPages: Int, checkpointedPages: Int) {
        do {
            return try queue.inDatabase { db in
                let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
                return (row?[1] ?? 0, row?[2] ?? 0)
            }
        } catch {
            throw StoreError(.sqlite, "checkpoint: \(error)")
        }
    }
}
