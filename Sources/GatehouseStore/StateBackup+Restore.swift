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

        // Staged beside the state: the backup's files, migrated forward, the events (and the
        // commands seen, and the invites' uses) carried over, the next seq set; then swapped in.
        let stamp = now.rfc3339.replacingOccurrences(of: ":", with: "") + "-\(getpid())"
        let stage = stateDirectory + "/.restore-" + stamp
        let stateName = (database as NSString).lastPathComponent
        let staged = [stateName] + (manifest.policyFile.map { [$0] } ?? [])
        do {
            try FileManager.default.createDirectory(atPath: stage, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try FileManager.default.copyItem(atPath: directory + "/" + manifest.stateFile, toPath: stage + "/" + stateName)
            if let policy = manifest.policyFile { try FileManager.default.copyItem(atPath: directory + "/" + policy, toPath: stage + "/" + policy) }
        } catch {
            try? FileManager.default.removeItem(atPath: stage)
            throw StoreError(.io, "cannot stage the restore in \(stage): \(error.localizedDescription)")
        }
        do {
            try continueSeq(stage + "/" + stateName, carrying: current, next: next)
            for file in staged { try Durability.sync(stage + "/" + file) }
        } catch {
            try? FileManager.default.removeItem(atPath: stage)
            throw error
        }
        let previous = current == nil ? nil : stateDirectory + "/before-restore-" + stamp
        if let previous { try keepAside(stateDirectory, stem: stateName, in: previous) }
        try swapIn(stage, staged, into: stateDirectory, stateName: stateName)
        return Restored(manifest: manifest, nextSeq: next, eventsCarried: carried.count, previous: previous)
    }

    /// Moves the staged files into the state directory so that a database is at its path at
    /// every moment: the policy file first (each rename replaces atomically), then the state
    /// database over the old one, whose empty -wal and -shm go just before; then the policy
    /// files nothing names any more. Each step reaches the disk before the next. The files
    /// take the state directory's owner (the service user), not the root that ran the restore.
    static func swapIn(_ stage: String, _ files: [String], into directory: String, stateName: String) throws(StoreError) {
        let owner = try? FileManager.default.attributesOfItem(atPath: directory)
        let uid = (owner?[.ownerAccountID] as? NSNumber)?.uint32Value, gid = (owner?[.groupOwnerAccountID] as? NSNumber)?.uint32Value
        for file in files.reversed() {  // the policy file, then the state database
            let target = directory + "/" + file
            if let uid, let gid { _ = chown(stage + "/" + file, uid, gid) }
            // A replaced file's -wal would be applied to its successor: gone first (checkpointed, empty).
            for suffix in ["-wal", "-shm"] { unlink(target + suffix) }
            guard rename(stage + "/" + file, target) == 0 else {
                throw StoreError(.io, "the restore stopped at \(file): \(String(cString: strerror(errno))); run it again (the files it replaces are kept)")
            }
            try Durability.syncDirectory(directory)
        }
        let base = (stateName as NSString).deletingPathExtension
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasPrefix(base + ".policy-") && !files.contains(name) {
            unlink(directory + "/" + name)
        }
        try? FileManager.default.removeItem(atPath: stage)
    }

    /// The current database's next seq and its events from `after` on, read without migrating
    /// it (it may be newer than this binary: a rollback); nil when there is no database.
    /// What the current database holds that the restored one keeps.
    struct Current {
        var nextSeq: Int64
        var events: [StoredEvent]
        var commandsSeen: [(String, Int64)]
        var inviteUses: [Row]
    }

    static func currentEvents(_ database: String, after seq: Int64) throws(StoreError) -> Current? {
        guard FileManager.default.fileExists(atPath: database) else { return nil }
        do {
            // Its write-ahead log emptied into it first: the file alone is then the whole database.
            let queue = try DatabaseQueue(path: database)
            _ = try queue.writeWithoutTransaction { db in try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try queue.close()
            return try DatabaseQueue(path: database, configuration: readOnly()).read { db in
                let next = try Int64.fetchOne(db, sql: "SELECT next_seq FROM device_state WHERE id = 1") ?? 1
                let events = try Row.fetchAll(db, sql: "SELECT \(StoredEvent.columns) FROM outbox WHERE seq >= ? ORDER BY seq", arguments: [seq])
                    .map(StoredEvent.init(row:))
                let tables = try Set(String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
                let seen = tables.contains("command_seen")
                    ? try Row.fetchAll(db, sql: "SELECT jti, keep_until FROM command_seen").map { ($0["jti"] as String, $0["keep_until"] as Int64) } : []
                let uses = tables.contains("invite_use")
                    ? try Row.fetchAll(db, sql: "SELECT invite, entries, checked_in, last_check_in, last_check_out FROM invite_use") : []
                return Current(nextSeq: next, events: events, commandsSeen: seen, inviteUses: uses)
            }
        } catch {
            throw StoreError(
                .backup, "cannot read the current database \(database) to continue its seq: \(error); move it away and give --next-seq")
        }
    }

    /// Migrates the staged state database forward, adds the carried events, the commands the
    /// current database has seen (so that none is accepted twice) and the invites' uses (so that
    /// a spent invite stays spent), and sets the next seq.
    static func continueSeq(_ path: String, carrying carried: Current?, next: Int64) throws(StoreError) {
        let events = carried?.events ?? []
        try withExtendedLifetime(try GatehouseDatabase(path: path)) { staged throws(StoreError) in try staged.write { db in
            for (jti, keepUntil) in carried?.commandsSeen ?? [] {
                try db.execute(sql: "INSERT OR IGNORE INTO command_seen (jti, keep_until) VALUES (?, ?)", arguments: [jti, keepUntil])
            }
            for use in carried?.inviteUses ?? [] {
                try db.execute(
                    sql: """
                        INSERT INTO invite_use (invite, entries, checked_in, last_check_in, last_check_out) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (invite) DO UPDATE SET entries = max(entries, excluded.entries), checked_in = excluded.checked_in,
                            last_check_in = excluded.last_check_in, last_check_out = excluded.last_check_out
                        """,
                    arguments: [use["invite"], use["entries"], use["checked_in"], use["last_check_in"], use["last_check_out"]])
            }
            for event in events {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO outbox (seq, id, type, time, subject, payload, published_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        event.seq, event.id, event.type, event.time.millisecondsSinceEpoch, event.subject, event.payload,
                        event.publishedAt?.millisecondsSinceEpoch,
                    ])
            }
            try db.execute(sql: "UPDATE device_state SET next_seq = max(next_seq, ?) WHERE id = 1", arguments: [next])
        } }
        // Its pool closed: out of WAL mode, so that the one file holds everything before it moves.
        do {
            let queue = try DatabaseQueue(path: path)
            _ = try queue.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") }
            try queue.close()
        } catch {
            throw StoreError(.io, "cannot finish the staged database \(path): \(error)")
        }
    }

    /// Copies the state database (checkpointed: its file is the whole of it) and every policy
    /// file beside it into `previous`, which the restore leaves for the administrator.
    static func keepAside(_ directory: String, stem: String, in previous: String) throws(StoreError) {
        let base = (stem as NSString).deletingPathExtension
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { name in
            name == stem || (name.hasPrefix(base + ".policy-") && !name.hasSuffix("-wal") && !name.hasSuffix("-shm"))
        }
        do {
            try FileManager.default.createDirectory(atPath: previous, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for name in names {
                if name != stem, let queue = try? DatabaseQueue(path: directory + "/" + name) {
                    _ = try? queue.writeWithoutTransaction { db in try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
                    try? queue.close()
                }
                try FileManager.default.copyItem(atPath: directory + "/" + name, toPath: previous + "/" + name)
                try Durability.sync(previous + "/" + name)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.io, "cannot keep the current state in \(previous): \(error.localizedDescription)")
        }
    }
}
