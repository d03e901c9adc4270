import Foundation
import GRDB
import GatehouseCore

extension GatehouseDatabase {
    /// A state database from before the policy moved out of it holds the cache itself: copies
    /// it, whole and synced, to generation 1 of the policy files, which the next migration
    /// then points to. Run between the migrations; a crash before that migration's commit
    /// copies it again at the next open.
    func exportLegacyPolicy() throws(StoreError) {
        let holdsPolicy: Bool
        do {
            holdsPolicy = try pool.read { db in
                try db.tableExists("bundle_state") && (try Bool.fetchOne(db, sql: "SELECT 1 FROM bundle_state WHERE id = 1") ?? false)
            }
        } catch {
            throw StoreError(.sqlite, "\(path): \(error)")
        }
        guard holdsPolicy else { return }
        let final = directory + "/" + policyFileName(generation: 1)
        let target = final + Self.loadingSuffix
        let file = try PolicyFile(path: target, creating: true)
        do {
            try file.pool.writeWithoutTransaction { db in
                try db.execute(sql: "ATTACH DATABASE ? AS legacy", arguments: [path])
                defer { try? db.execute(sql: "DETACH DATABASE legacy") }
                try db.inTransaction {
                    for table in Self.policyTables {
                        // By the legacy table's columns: later migrations add columns (a PIN).
                        let columns = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?, 'legacy')", arguments: [table])
                        let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
                        try db.execute(sql: "INSERT INTO main.\(table) (\(list)) SELECT \(list) FROM legacy.\(table)")
                    }
                    try db.execute(sql: """
                        INSERT INTO main.bundle_state (id, version, kind, sha256, applied_at, expires, key_id, records, issued_at, issuer, origin)
                        SELECT 1, s.version, s.kind, s.sha256, s.applied_at, s.expires, s.key_id, COALESCE(l.records, 0), s.applied_at, l.issuer, 'local'
                        FROM legacy.bundle_state s LEFT JOIN legacy.bundle_log l ON l.version = s.version WHERE s.id = 1
                        """)
                    try db.execute(sql: """
                        INSERT INTO main.bundle_log (version, kind, sha256, records, applied_at, key_id, issuer, origin)
                        SELECT version, kind, sha256, records, applied_at, key_id, issuer, 'local' FROM legacy.bundle_log
                        """)
                    return .commit
                }
            }
            _ = try file.pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            try file.pool.close()
        } catch {
            throw StoreError(.migration, "copying the policy cache of \(path) to \(target): \(error)")
        }
        try Durability.sync(target)
        Durability.removeDatabase(final)
        guard rename(target, final) == 0 else { throw StoreError(.migration, "cannot rename \(target) to \(final)") }
        try Durability.syncDirectory(directory)
    }
}
