import Foundation
import GRDB
import GatehouseCore

/// A file's device and inode: whether a path still names the file opened from it.
struct FileIdentity: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64

    init?(of path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        (device, inode) = (UInt64(info.st_dev), UInt64(info.st_ino))
    }
}

extension GatehouseDatabase {
    /// False once the file at ``path`` is gone or another one: removed, or replaced, while this
    /// process holds it open. SQLite goes on writing to the open file, which no later start would
    /// find; ``writeBack()`` puts it back.
    public var isAtItsPath: Bool { identity == nil || FileIdentity(of: path) == identity }

    /// Writes the database, as this process has it open, back to ``path`` after the file there
    /// was removed: a checkpoint, then `VACUUM INTO` a file beside it, the old log and shared
    /// memory (named after the path) removed so they never meet the new file, then a rename
    /// onto the path. A file found at the path by then (a tool that made a new, empty one) is
    /// kept aside; its name is returned. Call it when nothing writes any more.
    public func writeBack() throws(StoreError) -> String? {
        let restoring = path + ".restoring"
        unlink(restoring)
        do {
            try pool.writeWithoutTransaction { db in
                try db.checkpoint(.truncate)
                try db.execute(sql: "VACUUM INTO ?", arguments: [restoring])
            }
        } catch {
            throw StoreError(.backup, "cannot write the database back beside \(path): \(error)")
        }
        var aside: String?
        if FileManager.default.fileExists(atPath: path) {
            let name = path + ".replaced-\(Int(Date().timeIntervalSince1970))"
            guard rename(path, name) == 0 else { throw StoreError(.io, "cannot move the file now at \(path) aside: \(String(cString: strerror(errno)))") }
            aside = name
        }
        for suffix in ["-wal", "-shm"] { unlink(path + suffix) }
        guard rename(restoring, path) == 0 else { throw StoreError(.io, "cannot rename \(restoring) to \(path): \(String(cString: strerror(errno)))") }
        let directory = open((path as NSString).deletingLastPathComponent, O_RDONLY)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
        return aside
    }
}
