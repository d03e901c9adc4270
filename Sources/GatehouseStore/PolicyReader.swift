import GRDB
import GatehouseCore

/// A read-only connection to the policy cache for the decision path: its own connection, its
/// statements prepared once, values bound and read through SQLite directly. GRDB's pool costs
/// more per call (a reader handed out, a snapshot transaction, `Row` values) than the lookup.
///
/// A decision's lookups run in one read transaction: they all see the same committed
/// version, a bundle being applied stays invisible until it commits, and the WAL read lock
/// is taken once per decision instead of once per lookup.
public final class PolicyReader: Sendable {
    /// The connection; GRDB serialises the calls on it.
    private let queue: DatabaseQueue
    /// Zones and schedules decoded once per bundle.
    private let records = RecordCache()
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
            throw StoreError(.open, "cannot open \(database.path) for reading: \(error)")
        }
    }

    /// Runs `body` with a view of the cache in one read transaction.
    public func read<T>(_ body: (any PolicyView) throws -> T) throws(StoreError) -> T {
        do {
            return try queue.inDatabase { db in
                var result: T?
                try db.inTransaction(.deferred) {
                    result = try body(PolicySnapshot(db: db, cache: records))
                    return .commit
                }
                // inTransaction runs the closure exactly once; it returned or threw.
                guard let result else { throw StoreError(.sqlite, "the read transaction gave no result") }
                return result
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.sqlite, "\(error)")
        }
    }

    /// The credential stored for a badge UID or code.
    public func credential(format: Credential.Format, value: String) throws(StoreError) -> Credential? {
        try read { view in try view.credential(format: format, value: value) }
    }
}
