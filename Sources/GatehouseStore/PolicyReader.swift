import Foundation
import GRDB
import GatehouseCore
import GatehouseThreads
import Synchronization

/// A read-only connection to the policy cache for the decision path: its own connection, its
/// statements prepared once, values bound and read through SQLite directly. GRDB's pool costs
/// more per call (a reader handed out, a snapshot transaction, `Row` values) than the lookup.
///
/// A decision's lookups run in one read transaction: they all see the same committed
/// version, a bundle being applied stays invisible until it commits, and the WAL read lock
/// is taken once per decision instead of once per lookup.
///
/// It reads the policy file in force (``GatehouseDatabase/currentPolicyPath()``) and keeps to
/// it until ``follow()`` moves it to the one in force then: the decision path calls that
/// between two decisions after a bundle is applied, so a snapshot's swap never happens in the
/// middle of one.
public final class PolicyReader: Sendable {
    /// The open file and its connection; GRDB serialises the calls on the connection.
    private struct Open: Sendable {
        var path: String
        var queue: DatabaseQueue
    }

    private let database: GatehouseDatabase
    private let open = Mutex<Open?>(nil)
    /// Zones and schedules decoded once per bundle.
    private let records = RecordCache()
    /// How much of the file the connection maps.
    static let mapBytes = 1 << 30

    /// Opens the policy file in force, read-only; before the first bundle, reads see none.
    public init(_ database: GatehouseDatabase) throws(StoreError) {
        self.database = database
        try follow()
    }

    /// Moves to the policy file in force now, when it is not the one open. Returns whether it
    /// moved. The file left is closed; one removed by its swap is then gone from the disk.
    @discardableResult
    public func follow() throws(StoreError) -> Bool {
        var attempts = 0
        while true {
            let path = try database.currentPolicyPath()
            if open.withLock({ $0?.path }) == path { return false }
            guard let path else {
                open.withLock { $0 = nil }
                return true
            }
            do {
                let queue = try Self.connect(path)
                let left = open.withLock { open in
                    defer { open = Open(path: path, queue: queue) }
                    return open
                }
                // The file left was unlinked by its swap: closing the last connection to it
                // frees its blocks, which takes a while for a large one. Not on this thread.
                if let left {
                    let closing = Mutex<Open?>(left)
                    _ = DedicatedThread(name: "gatehouse.policy-close") { closing.withLock { $0 = nil } }
                }
                return true
            } catch {
                // Swapped out again between reading the pointer and opening the file.
                attempts += 1
                if attempts >= 3 { throw error }
            }
        }
    }

    private static func connect(_ path: String) throws(StoreError) -> DatabaseQueue {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError(.open, "the policy file \(path) is missing") }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "gatehouse.policy-reader"
        configuration.prepareDatabase { db in
            // Mapping the file lets a lookup read pages without a system call each; only this
            // read-only connection maps it, so an apply's memory stays small.
            try db.execute(sql: "PRAGMA mmap_size = \(Self.mapBytes)")
        }
        do {
            return try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw StoreError(.open, "cannot open \(path) for reading: \(error)")
        }
    }

    /// Runs `body` with a view of the cache in one read transaction.
    public func read<T>(_ body: (any PolicyView) throws -> T) throws(StoreError) -> T {
        guard let queue = open.withLock({ $0?.queue }) else {
            do {
                return try body(EmptyPolicy())
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError(.sqlite, "\(error)")
            }
        }
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

    /// The credential stored for a badge UID or code: one statement, so SQLite's own implicit
    /// transaction is enough and none is opened around it.
    public func credential(format: Credential.Format, value: String) throws(StoreError) -> Credential? {
        guard let queue = open.withLock({ $0?.queue }) else { return nil }
        do {
            return try queue.inDatabase { db in try PolicySnapshot(db: db, cache: records).credential(format: format, value: value) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.sqlite, "\(error)")
        }
    }
}
