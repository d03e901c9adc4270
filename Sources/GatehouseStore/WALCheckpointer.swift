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
        // A truncating checkpoint holds new commits while it waits, so it waits 20 ms at most
        // (for the commit in hand, or a reader's snapshot) and otherwise tries next time.
        configuration.busyMode = BusyPolling.mode(seconds: 0.02)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        do {
            queue = try DatabaseQueue(path: database.path, configuration: configuration)
        } catch {
            throw StoreError(.open, "cannot open \(database.path) for checkpoints: \(error)")
        }
    }

    /// The log's length, in pages, past which a quiet moment is used to empty it (16 MiB), and
    /// past which it is emptied whatever the load (64 MiB).
    public static let truncateWhenQuietAbovePages = 4096
    public static let truncateAbovePages = 16384

    /// Runs one passive checkpoint; returns the pages in the log and how many are now in the
    /// database file. Under a steady stream of commits a passive checkpoint never catches up
    /// with the last one, so the log would never start over and would grow without end. A
    /// truncating checkpoint empties it, but holds the commits for as long as it takes (tens of
    /// milliseconds on a slow card, for its sync): it runs past 16 MiB when `quiet` (no commit
    /// for a while, so probably none for the next moment either), and past 64 MiB regardless.
    @discardableResult
    public func checkpoint(quiet: Bool = true) throws(StoreError) -> (logPages: Int, checkpointedPages: Int) {
        do {
            return try queue.inDatabase { db in
                let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
                let logPages: Int = row?[1] ?? 0, done: Int = row?[2] ?? 0
                guard logPages > (quiet ? Self.truncateWhenQuietAbovePages : Self.truncateAbovePages) else { return (logPages, done) }
                let truncated = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                return (truncated?[1] ?? 0, truncated?[2] ?? 0)
            }
        } catch {
            throw StoreError(.sqlite, "checkpoint: \(error)")
        }
    }
}
