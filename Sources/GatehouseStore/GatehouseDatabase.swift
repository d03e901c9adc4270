import Foundation
import GRDB
import GatehouseCore

/// The device's state database: the event outbox, the runtime state, and the pointer to the
/// policy file in force (``PolicyPointer``). The policy cache itself lives in files of its own
/// (``PolicyFile``), so that applying a bundle never holds this database's write lock beyond
/// the one short commit that reports it.
public final class GatehouseDatabase: Sendable {
    /// The pool; GRDB serialises writes and runs reads concurrently on WAL snapshots.
    public let pool: DatabasePool
    public let path: String
    /// The file opened at ``path`` (device and inode), to tell when it is removed or replaced.
    let identity: FileIdentity?

    /// Who moves the write-ahead log back into the database file.
    public enum Checkpoints: Sendable {
        /// SQLite does, on the committing connection, every 1000 pages: right for one-shot tools.
        case automatic
        /// A ``WALCheckpointer`` does, on a connection and thread of its own, so that commits
        /// on the decision path never wait for a checkpoint's writes and syncs.
        case background
    }

    /// Opens (creating when needed) the database at `path` and runs pending migrations.
    public init(path: String, checkpoints: Checkpoints = .automatic) throws(StoreError) {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw StoreError(.open, "cannot create \(directory): \(error.localizedDescription)")
            }
        }
        var configuration = Configuration()
        configuration.label = "gatehouse"
        configuration.busyMode = BusyPolling.mode(seconds: 10)
        configuration.prepareDatabase { db in
            // NORMAL is durable across process crashes in WAL mode; a power cut may lose the
            // last commits but never corrupts the file.
            // The log is cut back to 16 MiB whenever a checkpoint lets it start over, so that a
            // burst of decisions does not leave it hundreds of megabytes long.
            try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY; PRAGMA journal_size_limit = 16777216")
            if checkpoints == .background { try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            // SQLite needs to create its -wal and -shm files beside the database.
            let unwritable = (access(directory.isEmpty ? "." : directory, W_OK) != 0) || (access(path, F_OK) == 0 && access(path, W_OK) != 0)
            let hint = unwritable ? StateDirectoryAccess.hint(directory) : ""
            throw StoreError(.open, "cannot open \(path): \(error)\(hint)")
        }
        identity = FileIdentity(of: path)
        let migrator = Self.migrator(legacyPolicyFile: policyFileName(generation: 1))
        do {
            // GRDB stops the process when asked to migrate up to a migration already passed.
            if try !pool.read({ db in try migrator.appliedIdentifiers(db) }).contains(Self.policyApartMigration) {
                try migrator.migrate(pool, upTo: Self.lastMigrationWithPolicy)
                try exportLegacyPolicy()
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.migration, "\(path): \(error)")
        }
        do {
            try migrator.migrate(pool)
        } catch {
            throw StoreError(.migration, "\(path): \(error)")
        }
    }

    /// Runs a write transaction, translating GRDB's errors.
    public func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.write(body)
        } catch {
            throw StoreError(.sqlite, "\(error)")
        }
    }

    /// Runs a read on a snapshot, translating GRDB's errors.
    public func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw StoreError(.sqlite, "\(error)")
        }
    }
}
