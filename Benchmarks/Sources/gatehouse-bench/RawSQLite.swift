import CSQLiteBench
import Foundation
import GatehouseTesting

/// The baselines the store benchmark measures against in the same run: SQLite's C API alone.
final class RawSQLite {
    private let db: OpaquePointer

    init(path: String, readOnly: Bool = false) throws {
        var handle: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        guard sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK, let handle else { throw BenchError("cannot open \(path)") }
        db = handle
    }

    deinit { sqlite3_close_v2(db) }

    func execute(_ sql: String) throws {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw BenchError("\(sql.prefix(60)): \(String(cString: sqlite3_errmsg(db)))") }
    }

    func prepare(_ sql: String) throws -> OpaquePointer {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK, let statement else {
            throw BenchError("\(sql.prefix(60)): \(String(cString: sqlite3_errmsg(db)))")
        }
        return statement
    }

    /// The rows of the store benchmark's snapshot (`people` people, each with a grant and ten
    /// badges), inserted with prepared statements in one transaction into the policy file's
    /// tables, the indexes created after, as fast as SQLite goes on this machine.
    static func insertBaseline(path: String, people: Int) throws {
        let raw = try RawSQLite(path: path)
        try raw.execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -16384")
        try raw.execute("""
            CREATE TABLE person (id TEXT PRIMARY KEY NOT NULL, kind TEXT NOT NULL, roles TEXT NOT NULL, status TEXT NOT NULL, valid_from INTEGER, valid_until INTEGER, label TEXT) WITHOUT ROWID;
            CREATE TABLE credential (id TEXT PRIMARY KEY NOT NULL, person TEXT NOT NULL, format TEXT NOT NULL, value TEXT NOT NULL, status TEXT NOT NULL, valid_from INTEGER, valid_until INTEGER) WITHOUT ROWID;
            CREATE TABLE access_grant (id TEXT PRIMARY KEY NOT NULL, person TEXT NOT NULL, zones TEXT NOT NULL, schedule TEXT, valid_from INTEGER, valid_until INTEGER) WITHOUT ROWID;
            """)
        let person = try raw.prepare("INSERT INTO person (id, kind, roles, status) VALUES (?, 'employee', '[]', 'active')")
        let credential = try raw.prepare("INSERT INTO credential (id, person, format, value, status) VALUES (?, ?, 'uid', ?, 'active')")
        let grant = try raw.prepare("INSERT INTO access_grant (id, person, zones, schedule) VALUES (?, ?, '[\"site\",\"yard\"]', 'always')")
        defer { for statement in [person, credential, grant] { sqlite3_finalize(statement) } }
        func step(_ statement: OpaquePointer, _ values: String...) throws {
            for (index, value) in values.enumerated() { sqlite3_bind_text(statement, Int32(index + 1), value, -1, bench_sqlite_transient()) }
            guard sqlite3_step(statement) == SQLITE_DONE else { throw BenchError(String(cString: sqlite3_errmsg(raw.db))) }
            sqlite3_reset(statement)
        }
        try raw.execute("BEGIN")
        for index in 0..<people {
            let id = "p-\(index)"
            try step(person, id)
            try step(grant, "g-\(index)", id)
            for badge in 0..<10 { try step(credential, "c-\(index)-\(badge)", id, Records.uid(index * 10 + badge)) }
        }
        try raw.execute("""
            CREATE UNIQUE INDEX credential_by_value ON credential(format, value);
            CREATE INDEX credential_by_person ON credential(person);
            CREATE INDEX access_grant_by_person ON access_grant(person);
            COMMIT
            """)
    }

    /// A prepared point lookup of a credential by its value, stepped through the C API.
    final class Lookup {
        private let raw: RawSQLite
        private let statement: OpaquePointer

        init(path: String) throws {
            raw = try RawSQLite(path: path, readOnly: true)
            try raw.execute("PRAGMA mmap_size = \(1 << 30)")
            statement = try raw.prepare("SELECT id, person, status, valid_from, valid_until FROM credential WHERE format = 'uid' AND value = ?")
        }

        deinit { sqlite3_finalize(statement) }

        /// Whether the credential exists (its columns read, as the store reads them).
        func find(_ value: String) -> Bool {
            sqlite3_bind_text(statement, 1, value, -1, bench_sqlite_transient())
            defer { sqlite3_reset(statement) }
            guard sqlite3_step(statement) == SQLITE_ROW else { return false }
            _ = sqlite3_column_text(statement, 0)
            _ = sqlite3_column_text(statement, 1)
            _ = sqlite3_column_text(statement, 2)
            return true
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
