import Foundation
import GRDB
import GatehouseCore

/// A backup of a device's state directory, and its restore.
///
/// A backup is a directory: the state database and the policy file in force, each copied with
/// SQLite's online backup (consistent while the daemon runs and writes), and `backup.json`
/// naming the device, the files, their SHA-256 and the `seq` the device had reached.
///
/// A restore never lets `seq` go back (contract: it grows by one per event and is never
/// reused). The restored database continues from the highest of the backup's next `seq`, the
/// current database's, and `--next-seq`; the events the current database holds beyond the
/// backup (published or not) are carried into the restored one, so the chain the platform sees
/// has no hole and nothing waiting is lost. With no current database, the next `seq` must be
/// given (the platform's last `seq` from this device, plus one): otherwise the device could
/// number new events with numbers it has used already.
public enum StateBackup {
    /// `backup.json`'s `format`.
    public static let format = "gatehouse-backup-1"
    public static let manifestName = "backup.json"

    /// What `backup.json` says.
    public struct Manifest: Sendable, Equatable {
        public var site: String
        public var device: String
        public var software: String
        public var createdAt: Timestamp
        /// The state database's file name in the backup.
        public var stateFile: String
        /// The policy file's name (as the pointer names it), or nil before the first bundle.
        public var policyFile: String?
        public var bundleVersion: Int64?
        /// The `seq` the next event would have taken when the backup was made.
        public var nextSeq: Int64
        /// Each file's SHA-256, lowercase hex.
        public var sha256: [String: String]
    }

    /// What a restore did.
    public struct Restored: Sendable, Equatable {
        public var manifest: Manifest
        /// The `seq` the next event takes.
        public var nextSeq: Int64
        /// Events carried over from the database the restore replaced.
        public var eventsCarried: Int
        /// Where the replaced files were moved, or nil when there were none.
        public var previous: String?
    }

    /// Backs up the state database at `database` (and its policy file in force) into the new
    /// directory `out`, which must not exist. `progress` hears each file's name as it starts.
    public static func make(
        database: String, into out: String, site: String, device: String, software: String, now: Timestamp, progress: (String) -> Void = { _ in }
    ) throws(StoreError) -> Manifest {
        guard !FileManager.default.fileExists(atPath: out) else { throw StoreError(.backup, "\(out) exists already: a backup goes into a new directory") }
        guard FileManager.default.fileExists(atPath: database) else {
            throw StoreError(.backup, "there is no database at \(database): nothing to back up (has this device run yet?)")
        }
        let partial = out + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        // 0700 from the start: the copies hold people and events.
        do { try FileManager.default.createDirectory(atPath: partial, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) } catch {
            throw StoreError(.io, "cannot create \(partial): \(error.localizedDescription)")
        }
        let stateName = (database as NSString).lastPathComponent
        let stateDirectory = (database as NSString).deletingLastPathComponent.isEmpty ? "." : (database as NSString).deletingLastPathComponent
        // Read-only, and never migrated: the daemon may run an older schema than this binary's.
        let source: DatabasePool
        do { source = try DatabasePool(path: database, configuration: readOnly()) } catch {
            throw StoreError(.open, "cannot open \(database) to back it up: \(error)")
        }
        // A snapshot that swaps the policy file between the two copies is the one race: the
        // pointer copied then names a file that has gone. Copy again; it is rare and brief.
        var lastProblem = ""
        for _ in 1...3 {
            progress(stateName)
            try copy(source, to: partial + "/" + stateName)
            let (pointer, next) = try readState(partial + "/" + stateName)
            var manifest = Manifest(
                site: site, device: device, software: software, createdAt: now, stateFile: stateName, policyFile: pointer.file,
                bundleVersion: pointer.reportedVersion, nextSeq: next, sha256: [:])
            guard let policy = pointer.file else { return try finish(partial, out, manifest) }
            let policyPath = stateDirectory + "/" + policy
            let queue: DatabaseQueue
            do {
                queue = try DatabaseQueue(path: policyPath, configuration: readOnly())
            } catch {
                lastProblem = "cannot open \(policyPath): \(error)"
                continue  // swapped out and removed since the pointer was copied
            }
            progress(policy)
            try copy(queue, to: partial + "/" + policy)
            manifest.policyFile = policy
            return try finish(partial, out, manifest)
        }
        throw StoreError(.backup, "the policy file in force could not be copied: \(lastProblem)")
    }

    /// The policy pointer and the next `seq` of a state database file, read without migrating it.
    static func readState(_ path: String) throws(StoreError) -> (PolicyPointer, Int64) {
        do {
            return try DatabaseQueue(path: path, configuration: readOnly()).read { db in
                (try GatehouseDatabase.policyPointer(db), try Int64.fetchOne(db, sql: "SELECT next_seq FROM device_state WHERE id = 1") ?? 1)
            }
        } catch {
            throw StoreError(.backup, "\(path): cannot read the device state: \(error)")
        }
    }

    /// The manifest of the backup in `directory`, after checking that every file is there,
    /// whole (its SHA-256) and sound (SQLite's integrity check).
    public static func check(_ directory: String) throws(StoreError) -> Manifest {
        let manifest = try readManifest(directory)
        for file in [manifest.stateFile] + (manifest.policyFile.map { [$0] } ?? []) {
            let path = directory + "/" + file
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
                throw StoreError(.backup, "\(path): missing, or not a regular file (a backup holds no links)")
            }
            guard let expected = manifest.sha256[file] else { throw StoreError(.backup, "\(manifestName) has no sha256 for \(file)") }
            guard let actual = sha256(of: path) else { throw StoreError(.backup, "\(path): missing or unreadable") }
            guard actual == expected else { throw StoreError(.backup, "\(path): damaged (its SHA-256 is not the one \(manifestName) recorded)") }
            let result: String?
            do {
                result = try DatabaseQueue(path: path, configuration: readOnly()).read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
            } catch {
                throw StoreError(.backup, "\(path): not a readable SQLite database: \(error)")
            }
            guard result == "ok" else { throw StoreError(.backup, "\(path): SQLite's integrity check says \(result ?? "nothing")") }
        }
        let (pointer, _) = try readState(directory + "/" + manifest.stateFile)
        guard pointer.file == manifest.policyFile else {
            throw StoreError(.backup, "\(directory): the state database names the policy file \(pointer.file ?? "none"), \(manifestName) \(manifest.policyFile ?? "none")")
        }
        return manifest
    }

    private static func finish(_ partial: String, _ out: String, _ draft: Manifest) throws(StoreError) -> Manifest {
        var manifest = draft
        for file in [manifest.stateFile] + (manifest.policyFile.map { [$0] } ?? []) {
            // The copies are self-contained: no -wal or -shm beside them.
            let path = partial + "/" + file
            do {
                let queue = try DatabaseQueue(path: path)
                try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
                try queue.close()
            } catch {
                throw StoreError(.io, "cannot finish \(path): \(error)")
            }
            chmod(path, 0o600)
            try Durability.sync(path)
            manifest.sha256[file] = sha256(of: path)
        }
        do {
            try Data(manifestJSON(manifest).utf8).write(to: URL(fileURLWithPath: partial + "/" + manifestName))
            try Durability.sync(partial + "/" + manifestName)
            try Durability.syncDirectory(partial)
            try FileManager.default.moveItem(atPath: partial, toPath: out)
        } catch {
            throw StoreError(.io, "cannot write the backup to \(out): \(error.localizedDescription)")
        }
        return manifest
    }

    static func copy(_ source: any DatabaseReader, to path: String) throws(StoreError) {
        do {
            let destination = try DatabaseQueue(path: path)
            try source.backup(to: destination)
            try destination.close()
        } catch {
            throw StoreError(.io, "cannot copy the database to \(path): \(error)")
        }
    }

    static func readOnly() -> Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        return configuration
    }

    /// The SHA-256 of a file's bytes, lowercase hex; nil when it cannot be read.
    static func sha256(of path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var check = BundleBodyCheck()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { check.consume($0) }
        }
        return check.digestHex()
    }
}
