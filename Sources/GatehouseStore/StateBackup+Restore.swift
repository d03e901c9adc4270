import Foundation
import GRDB
import GatehouseCore

/// Restoring a backup in place of a device's state, with `seq` kept growing.
extension StateBackup {
    /// Restores the backup in `directory` as the state database at `database` and its policy
    /// file. The caller holds the state directory's lock (``StateLock``): no daemon runs.
    ///
    /// The backup must be this device's (`site`, `device`) and whole. The restored database is
    /// migrated forward by this binary; it continues `seq` from the highest of the backup's, the
    /// current database's (whose events beyond the backup are carried over) and `nextSeqAtLeast`;
    /// without a current database `nextSeqAtLeast` is required. The files replaced are moved, not
    /// removed, into `before-restore-TIME/` in the state directory.
    public static func restore(
        from directory: String, database: String, site: String, device: String, nextSeqAtLeast: Int64?, now: Timestamp
    ) throws(StoreError) -> Restored {
        let manifest = try check(directory)
        guard manifest.site == site, manifest.device == device else {
            throw StoreError(
                .backup,
                "\(directory) is the backup of \(manifest.site)/\(manifest.device), not of \(site)/\(device): two devices with one identity would number events twice")
        }
        let stateDirectory = (database as NSString).deletingLastPathComponent.isEmpty ? "." : (database as NSString).deletingLastPathComponent
        let current = try currentEvents(database, after: manifest.nextSeq)
        guard current != nil || nextSeqAtLeast != nil else {
            throw StoreError(
                .backup,
                "there is no current database at \(database) to continue its seq from: give --next-seq, one more than the last seq the platform received from \(site)/\(device) (a seq must never be used twice)")
        }
        let carried = current?.events ?? []
        let next = max(manifest.nextSeq, current?.nextSeq ?? 1, nextSeqAtLeast ?? 1, (carried.last.map { $0.seq + 1 }) ?? 1)

        // Staged beside the state: the backup's files, migrated forward, the events carried
        // over, the next seq set; then swapped in.
        let stamp = now.rfc3339.replacingOccurrences(of: ":", with: "")
        let stage = stateDirectory + "/.restore-" + stamp
        let stateName = (database as NSString).lastPathComponent
        try? FileManager.default.removeItem(atPath: stage)
        do {
            try FileManager.default.createDirectory(atPath: stage, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: directory + "/" + manifest.stateFile, toPath: stage + "/" + stateName)
            if let policy = manifest.policyFile { try FileManager.default.copyItem(atPath: directory + "/" + policy, toPath: stage + "/" + policy) }
        } catch {
            try? FileManager.default.removeItem(atPath: stage)
            throw StoreError(.io, "cannot stage the restore in \(stage): \(error.localizedDescription)")
        }
        do {
            try continueSeq(stage + "/" + stateName, carrying: carried, next: next)
        } catch {
            try? FileManager.default.removeItem(atPath: stage)
            throw error
        }

        let previous = stateDirectory + "/before-restore-" + stamp
        let moved = try moveAside(stateDirectory, stem: stateName, to: previous)
        // The restored files belong to whoever owns the state directory (the service user), not
        // to the root that ran the restore.
        let owner = try? FileManager.default.attributesOfItem(atPath: stateDirectory)
        do {
            for file in try FileManager.default.contentsOfDirectory(atPath: stage) {
                try FileManager.default.moveItem(atPath: stage + "/" + file, toPath: stateDirectory + "/" + file)
                if let uid = owner?[.ownerAccountID] as? NSNumber, let gid = owner?[.groupOwnerAccountID] as? NSNumber {
                    _ = chown(stateDirectory + "/" + file, uid.uint32Value, gid.uint32Value)
                }
            }
            try FileManager.default.removeItem(atPath: stage)
        } catch {
            throw StoreError(.io, "the restore stopped halfway: the replaced files are in \(previous), the restored ones in \(stage): \(error.localizedDescription)")
        }
        return Restored(manifest: manifest, nextSeq: next, eventsCarried: carried.count, previous: moved ? previous : nil)
    }

    /// The current database's next seq and its events from `after` on, read without migrating
    /// it (it may be newer than this binary: a rollback); nil when there is no database.
    static func currentEvents(_ database: String, after seq: Int64) throws(StoreError) -> (nextSeq: Int64, events: [StoredEvent])? {
        guard FileManager.default.fileExists(atPath: database) else { return nil }
        do {
            return try DatabaseQueue(path: database, configuration: readOnly()).read { db in
                let next = try Int64.fetchOne(db, sql: "SELECT next_seq FROM device_state WHERE id = 1") ?? 1
                let events = try Row.fetchAll(db, sql: "SELECT \(StoredEvent.columns) FROM outbox WHERE seq >= ? ORDER BY seq", arguments: [seq])
                    .map(StoredEvent.init(row:))
                return (next, events)
            }
        } catch {
            throw StoreError(
                .backup, "cannot read the current database \(database) to continue its seq: \(error); move it away and give --next-seq")
        }
    }

    /// Migrates the staged state database forward, adds the carried events, and sets the next seq.
    static func continueSeq(_ path: String, carrying events: [StoredEvent], next: Int64) throws(StoreError) {
        let staged = try GatehouseDatabase(path: path)
        try staged.write { db in
            for event in events {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO outbox (seq, id, type, time, subject, payload, published_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        event.seq, event.id, event.type, event.time.millisecondsSinceEpoch, event.subject, event.payload,
                        event.publishedAt?.millisecondsSinceEpoch,
                    ])
            }
            try db.execute(sql: "UPDATE device_state SET next_seq = max(next_seq, ?) WHERE id = 1", arguments: [next])
        }
    }

    /// Moves the state database, its -wal and -shm, and every policy file beside it into
    /// `previous`; whether there was anything to move.
    static func moveAside(_ directory: String, stem: String, to previous: String) throws(StoreError) -> Bool {
        let base = (stem as NSString).deletingPathExtension
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { name in
            name == stem || name == stem + "-wal" || name == stem + "-shm" || name.hasPrefix(base + ".policy-")
        }
        guard !names.isEmpty else { return false }
        do {
            try FileManager.default.createDirectory(atPath: previous, withIntermediateDirectories: true)
            for name in names { try FileManager.default.moveItem(atPath: directory + "/" + name, toPath: previous + "/" + name) }
        } catch {
            throw StoreError(.io, "cannot move the current state aside into \(previous): \(error.localizedDescription)")
        }
        return true
    }
}
