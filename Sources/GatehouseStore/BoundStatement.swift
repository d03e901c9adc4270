import GRDB
import GRDBSQLite
import GatehouseCore

/// A prepared statement executed by binding values through SQLite's C API directly.
///
/// GRDB's `StatementArguments` cost about 6 µs per row for a credential; binding directly
/// costs under 1 µs, which is what lets a bundle apply at 200,000 records per second. The
/// statement belongs to GRDB's connection: this type only borrows it, inside one write
/// transaction, and never finalizes it.
struct BoundStatement {
    private let statement: Statement
    private let connection: SQLiteConnection
    fileprivate(set) var index: Int32 = 0

    /// SQLite copies bound text before `bind` returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ db: Database, sql: String) throws {
        try self.init(db, statement: db.cachedStatement(sql: sql))
    }

    /// Borrows a statement prepared earlier on `db`'s connection.
    init(_ db: Database, statement: Statement) {
        self.statement = statement
        // The connection pointer is owned by GRDB's Database for the life of the transaction.
        connection = db.sqliteConnection!
    }

    mutating func bind(_ text: String) {
        index += 1
        var text = text
        text.withUTF8 { bytes in
            _ = bytes.withMemoryRebound(to: CChar.self) { chars in
                sqlite3_bind_text(statement.sqliteStatement, index, chars.baseAddress, Int32(chars.count), Self.transient)
            }
        }
    }

    mutating func bind(_ text: String?) {
        if let text { bind(text) } else { bindNull() }
    }

    mutating func bind(_ number: Int64) {
        index += 1
        sqlite3_bind_int64(statement.sqliteStatement, index, number)
    }

    mutating func bind(_ number: Int64?) {
        if let number { bind(number) } else { bindNull() }
    }

    mutating func bind(_ flag: Bool) {
        bind(Int64(flag ? 1 : 0))
    }

    mutating func bind(_ time: Timestamp?) {
        bind(time?.millisecondsSinceEpoch)
    }

    mutating func bindNull() {
        index += 1
        sqlite3_bind_null(statement.sqliteStatement, index)
    }

    /// Runs the statement with the values bound so far, then resets it for the next row.
    mutating func execute() throws(BoundStatementError) {
        defer {
            sqlite3_reset(statement.sqliteStatement)
            sqlite3_clear_bindings(statement.sqliteStatement)
            index = 0
        }
        let status = sqlite3_step(statement.sqliteStatement)
        guard status == SQLITE_DONE else {
            // sqlite3_errmsg points into the connection; it is copied before the reset.
            let message = String(cString: sqlite3_errmsg(connection))
            throw BoundStatementError(isConstraint: status & 0xFF == SQLITE_CONSTRAINT, isFull: status & 0xFF == SQLITE_FULL, message: message)
        }
    }
}

extension BoundStatement {
    /// The columns of the current result row, copied out of SQLite as they are read.
    struct Columns {
        let statement: SQLiteStatement

        func text(_ index: Int32) -> String {
            // The text belongs to SQLite until the next step; String copies it.
            guard let bytes = sqlite3_column_text(statement, index) else { return "" }
            return String(cString: bytes)
        }

        func integer(_ index: Int32) -> Int64? {
            sqlite3_column_type(statement, index) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, index)
        }

        func optionalText(_ index: Int32) -> String? {
            sqlite3_column_type(statement, index) == SQLITE_NULL ? nil : text(index)
        }

        func timestamp(_ index: Int32) -> Timestamp? {
            integer(index).map(Timestamp.init(millisecondsSinceEpoch:))
        }

        /// A column the writer stored as JSON text; a value that does not parse reads as null.
        func json(_ index: Int32) -> JSONValue {
            guard let bytes = sqlite3_column_blob(statement, index) else { return .null }
            let buffer = UnsafeRawBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(statement, index)))
            return (try? JSONReader.parse(buffer)) ?? .null
        }

        /// A column the writer stored as a JSON array of ids.
        func identifiers(_ index: Int32) -> [String] {
            guard case .array(let elements) = json(index) else { return [] }
            return elements.compactMap { element in
                if case .string(let text) = element { text } else { nil }
            }
        }
    }

    /// Runs a query and reads every row with `read`.
    mutating func rows<T>(_ read: (Columns) throws -> T) throws -> [T] {
        defer {
            sqlite3_reset(statement.sqliteStatement)
            sqlite3_clear_bindings(statement.sqliteStatement)
            index = 0
        }
        var results: [T] = []
        while true {
            switch sqlite3_step(statement.sqliteStatement) {
            case SQLITE_ROW: results.append(try read(Columns(statement: statement.sqliteStatement)))
            case SQLITE_DONE: return results
            default: throw StoreError(.sqlite, String(cString: sqlite3_errmsg(connection)))
            }
        }
    }

    /// Runs a query expected to give at most one row, and reads it with `read`.
    mutating func row<T>(_ read: (Columns) -> T) throws -> T? {
        defer {
            sqlite3_reset(statement.sqliteStatement)
            sqlite3_clear_bindings(statement.sqliteStatement)
            index = 0
        }
        switch sqlite3_step(statement.sqliteStatement) {
        case SQLITE_ROW: return read(Columns(statement: statement.sqliteStatement))
        case SQLITE_DONE: return nil
        default: throw StoreError(.sqlite, String(cString: sqlite3_errmsg(connection)))
        }
    }
}

/// A failed step: a constraint (a bad record) or anything else (the environment).
struct BoundStatementError: Error {
    var isConstraint: Bool
    /// The disk (or the database's size limit) is full.
    var isFull: Bool
    var message: String
}
