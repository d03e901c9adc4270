import GRDB
import GRDBSQLite
import GatehouseCore

/// A read-only connection to the policy cache for the decision path: its own connection, its
/// statements prepared once, values bound and read through SQLite directly. GRDB's pool costs
/// more per call (a reader handed out, a snapshot transaction, `Row` values) than the lookup.
///
/// Each call is one statement, which SQLite runs as its own read transaction on the latest
/// committed version: a bundle being applied is invisible until it commits.
public final class PolicyReader: Sendable {
    /// The connection; GRDB serialises the calls on it.
    private let queue: DatabaseQueue
    /// How much of the file the connection maps.
    static let mapBytes = 1 << 30

    /// Opens `database`'s file a second time, read-only.
    public init(_ database: GatehouseDatabase) throws(StoreError) {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "gatehouse.policy-reader"
        configuration.prepareDatabase { db in
            // Mapping the file lets a lookup read pages without a system call each; only this
            // read-only connection maps it, so an apply's memory stays small.
            try db.execute(sql: "PRAGMA mmap_size = \(Self.mapBytes)")
        }
        do {
            queue = try DatabaseQueue(path: database.path, configuration: configuration)
        } catch {
            throw StoreError(code: "store.open", message: "cannot open \(database.path) for reading: \(error)")
        }
    }

    /// The credential stored for a badge UID or code.
    public func credential(format: Credential.Format, value: String) throws(StoreError) -> Credential? {
        do {
            return try queue.inDatabase { db in
                let statement = try db.cachedStatement(sql: "SELECT id, person, status, valid_from, valid_until FROM credential WHERE format = ? AND value = ?")
                var lookup = BoundStatement(db, statement: statement)
                lookup.bind(format.rawValue)
                lookup.bind(value)
                return try lookup.row { columns in
                    Credential(
                        id: columns.text(0), person: columns.text(1), format: format, value: value,
                        status: Credential.Status(rawValue: columns.text(2)) ?? .revoked,
                        validFrom: columns.integer(3).map(Timestamp.init(millisecondsSinceEpoch:)),
                        validUntil: columns.integer(4).map(Timestamp.init(millisecondsSinceEpoch:)))
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(code: "store.sqlite", message: "\(error)")
        }
    }
}
