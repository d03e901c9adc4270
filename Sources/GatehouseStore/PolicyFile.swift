import Foundation
import GRDB
import GatehouseCore

/// One file of the policy cache: the records of the bundle in force and its `bundle_state`.
///
/// The cache lives apart from the event log and the runtime state (``GatehouseDatabase``), so
/// that no write to the policy ever holds the lock the decision path commits its events under.
/// A snapshot is loaded into a fresh file (``SnapshotLoader``) and swapped in whole; a delta is
/// applied to the file in force, in WAL mode, so that readers keep the version before it until
/// it commits.
public final class PolicyFile: Sendable {
    /// The pool; GRDB serialises writes and runs reads concurrently on WAL snapshots.
    let pool: DatabasePool
    public let path: String

    /// Opens an existing policy file (one that a snapshot load finished) and runs its pending
    /// migrations.
    /// Opens it read-only unless `forWriting` (only the process holding the state lock writes,
    /// and runs the file's pending migrations): a reader racing a swap that removes the file
    /// gets an error and follows the pointer again, never an empty file of its own making.
    public convenience init(path: String, forWriting: Bool = false) throws(StoreError) {
        try self.init(path: path, creating: false, readOnly: !forWriting)
    }

    /// `creating`: makes the file, replacing whatever was at `path`.
    init(path: String, creating: Bool, readOnly: Bool = false) throws(StoreError) {
        self.path = path
        if creating {
            Durability.removeDatabase(path)
        } else if !FileManager.default.fileExists(atPath: path) {
            throw StoreError(.open, "the policy file \(path) is missing")
        }
        var configuration = Configuration()
        configuration.label = "gatehouse.policy"
        configuration.readonly = readOnly
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // A large delta's log is cut back to 16 MiB when it starts over.
            try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY; PRAGMA journal_size_limit = 16777216")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError(.open, "cannot open \(path): \(error)")
        }
        guard !readOnly else { return }
        do {
            try Self.migrator.migrate(pool)
        } catch {
            throw StoreError(.migration, "\(path): \(error)")
        }
    }

    /// The bundle this file holds.
    public func appliedBundle() throws(StoreError) -> AppliedBundle? {
        try read { db in try Self.appliedBundle(db) }
    }

    /// Records per type, every type listed.
    public func counts() throws(StoreError) -> [RecordType: Int] {
        try read { db in try Self.counts(db) }
    }

    /// SQLite's own consistency check: `ok` when the file is sound.
    public func integrityCheck() throws(StoreError) -> String {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }

    /// Runs a read on a snapshot, translating GRDB's errors.
    public func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw StoreError(.sqlite, "\(error)")
        }
    }

    static func appliedBundle(_ db: Database) throws -> AppliedBundle? {
        guard let row = try Row.fetchOne(db, sql: "SELECT version, kind, sha256, applied_at, expires, issued_at FROM bundle_state WHERE id = 1") else {
            return nil
        }
        return AppliedBundle(
            version: row["version"], kind: BundleManifest.Kind(rawValue: row["kind"]) ?? .snapshot, sha256: row["sha256"],
            appliedAt: Timestamp(millisecondsSinceEpoch: row["applied_at"]),
            expires: (row["expires"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:)),
            issuedAt: (row["issued_at"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:)))
    }

    static func counts(_ db: Database) throws -> [RecordType: Int] {
        var counts: [RecordType: Int] = [:]
        for type in RecordType.allCases {
            counts[type] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(GatehouseDatabase.table(for: type))") ?? 0
        }
        return counts
    }
}
