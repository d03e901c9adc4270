import Foundation
import GRDB
import GatehouseCore

/// Loads a snapshot into a fresh policy file, apart from the one in force: the rows first, in
/// one transaction with no rollback journal (a load that fails is thrown away whole), the
/// secondary indexes built after them, then SQLite's `quick_check`, the file switched to WAL
/// for the deltas to come, closed and synced. Nothing here is seen by a decision until the
/// caller swaps the file in.
struct SnapshotLoader {
    /// Where the file is built; it is replaced if it exists.
    let path: String

    /// Loads `body`; on any failure the file is removed before the error is thrown. Returns
    /// the records per type.
    func load(_ body: BundleApplier.Body, origin: BundleOrigin, appliedAt: Timestamp) throws -> [RecordType: Int] {
        do {
            let counts = try build(body, origin: origin, appliedAt: appliedAt)
            try Durability.sync(path)
            return counts
        } catch {
            Durability.removeDatabase(path)
            throw error
        }
    }

    private func build(_ body: BundleApplier.Body, origin: BundleOrigin, appliedAt: Timestamp) throws -> [RecordType: Int] {
        Durability.removeDatabase(path)
        var configuration = Configuration()
        configuration.label = "gatehouse.snapshot-load"
        configuration.prepareDatabase { db in
            // No journal and no syncs while loading: the file is not in force, and a crash or a
            // refusal throws it away. It is synced once, whole, when done.
            try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -16384; PRAGMA locking_mode = EXCLUSIVE")
        }
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try PolicyFile.migrator.migrate(queue)
        let counts: [RecordType: Int] = try queue.writeWithoutTransaction { db in
            // The indexes the schema declares, dropped for the load and built after it: a sort
            // of a million keys costs far less than a million B-tree insertions.
            let indexes = try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
                .map { (name: $0["name"] as String, sql: $0["sql"] as String) }
            for index in indexes { try db.execute(sql: "DROP INDEX \(index.name)") }
            var counts: [RecordType: Int] = [:]
            try db.inTransaction {
                try BundleApplier.write(body, with: try PolicyCacheWriter(db, replacing: false))
                for index in indexes {
                    do {
                        try db.execute(sql: index.sql)
                    } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                        throw try Self.duplicateRefusal(db, manifest: body.manifest) ?? error
                    }
                }
                counts = try PolicyFile.counts(db)
                try BundleApplier.record(body.manifest, origin: origin, appliedAt: appliedAt, db: db)
                return .commit
            }
            let check = try String.fetchAll(db, sql: "PRAGMA quick_check").joined(separator: "; ")
            guard check == "ok" else { throw StoreError(.sqlite, "the loaded snapshot fails SQLite's quick_check: \(check.prefix(200))") }
            try db.execute(sql: "PRAGMA locking_mode = NORMAL")
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            return counts
        }
        try queue.close()
        return counts
    }

    /// Two credentials with one format and value, found when their unique index would not
    /// build: named by their ids, never by the value.
    private static func duplicateRefusal(_ db: Database, manifest: BundleManifest) throws -> BundleRefusal? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT min(id) AS first, max(id) AS second FROM credential GROUP BY format, value HAVING count(*) > 1 LIMIT 1")
        else { return nil }
        let first: String = row["first"], second: String = row["second"]
        return BundleRefusal(.duplicateRecord, "credential \"\(second)\" has the format and value of credential \"\(first)\"", manifest: manifest)
    }
}
