import Foundation
import GRDB
import GatehouseCore

/// Which policy file is in force, and what was last reported of it.
///
/// The pointer lives in the state database (`device_state.policy_file`): a snapshot's swap is
/// the commit that moves the pointer, and that commit also stores its `system.bundle_applied`
/// event, so neither exists without the other.
public struct PolicyPointer: Sendable, Equatable {
    /// The file's name, in the state database's directory; nil before the first bundle.
    public var file: String?
    /// The generation of the newest file ever pointed to; the next load takes the one after.
    public var generation: Int64
    /// The version and hash of the bundle whose `system.bundle_applied` event is stored.
    public var reportedVersion: Int64?
    public var reportedSHA256: String?
}

extension GatehouseDatabase {
    /// The directory the state database and its policy files live in.
    public var directory: String {
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }

    /// `gatehouse.policy-7.sqlite` for `gatehouse.sqlite` and generation 7.
    func policyFileName(generation: Int64) -> String {
        "\(Self.stem(of: path)).policy-\(generation).sqlite"
    }

    /// The suffix a snapshot's file has while it loads: never taken for a policy.
    static let loadingSuffix = ".loading"

    private static func stem(of path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    /// The pointer as the state database holds it now.
    public func policyPointer() throws(StoreError) -> PolicyPointer {
        try read { db in try Self.policyPointer(db) }
    }

    static func policyPointer(_ db: Database) throws -> PolicyPointer {
        let row = try Row.fetchOne(db, sql: "SELECT policy_file, policy_generation, reported_version, reported_sha256 FROM device_state WHERE id = 1")
        return PolicyPointer(
            file: row?["policy_file"], generation: row?["policy_generation"] ?? 0, reportedVersion: row?["reported_version"],
            reportedSHA256: row?["reported_sha256"])
    }

    /// The full path of the policy file in force, or nil before the first bundle.
    public func currentPolicyPath() throws(StoreError) -> String? {
        try policyPointer().file.map { directory + "/" + $0 }
    }

    /// The policy file in force, opened (read-only unless `forWriting`, which only the holder of
    /// the state lock may ask); nil before the first bundle. A file swapped out (and removed)
    /// between reading the pointer and opening it is followed to its successor.
    public func openPolicy(forWriting: Bool = false) throws(StoreError) -> PolicyFile? {
        var attempts = 0
        while true {
            guard let path = try currentPolicyPath() else { return nil }
            do {
                return try PolicyFile(path: path, forWriting: forWriting)
            } catch {
                attempts += 1
                let moved = try currentPolicyPath() != path
                if attempts >= 3 || !moved { throw error }
            }
        }
    }

    /// The bundle the cache holds now, or nil when none was ever applied.
    public func appliedBundle() throws(StoreError) -> AppliedBundle? {
        try openPolicy()?.appliedBundle()
    }

    /// Removes the policy files no pointer names: those a swap replaced, and any left by a load
    /// that did not finish (`loading` files too when `includingLoading`, which only a process
    /// holding the state directory's lock may ask, since no load can be running then).
    /// Returns the names removed.
    @discardableResult
    public func removeUnusedPolicyFiles(includingLoading: Bool) throws(StoreError) -> [String] {
        let current = try policyPointer().file
        let prefix = Self.stem(of: path) + ".policy-"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var removed: [String] = []
        // A database before its -wal and -shm: a reader never finds the log gone and the file
        // still there.
        for name in names.sorted(by: { $0.count < $1.count }) where name.hasPrefix(prefix) {
            var database = name
            for suffix in ["-journal", "-wal", "-shm"] where database.hasSuffix(suffix) { database = String(database.dropLast(suffix.count)) }
            guard database != current else { continue }
            if database.hasSuffix(Self.loadingSuffix) && !includingLoading { continue }
            if unlink(directory + "/" + name) == 0 { removed.append(name) }
        }
        if !removed.isEmpty { try? Durability.syncDirectory(directory) }
        return removed
    }

    /// Moves the pointer to `file` (a snapshot's swap) and stores `events` with it, in one
    /// transaction of the state database: the new file is in force exactly when its
    /// `bundle_applied` event is stored.
    func commitSwap(to file: String, generation: Int64, reported: AppliedBundle, events: [PendingEvent], log: EventLog) throws(StoreError) -> [StoredEvent] {
        try log.commit(events) { db in
            try db.execute(
                sql: "UPDATE device_state SET policy_file = ?, policy_generation = ?, reported_version = ?, reported_sha256 = ? WHERE id = 1",
                arguments: [file, generation, reported.version, reported.sha256])
        }
    }

    /// Records that `bundle` was reported, with the events that report it, in one transaction.
    func commitReport(of bundle: AppliedBundle, events: [PendingEvent], log: EventLog) throws(StoreError) -> [StoredEvent] {
        try log.commit(events) { db in
            try db.execute(
                sql: "UPDATE device_state SET reported_version = ?, reported_sha256 = ? WHERE id = 1", arguments: [bundle.version, bundle.sha256])
        }
    }
}
