import Foundation
import GatehouseCore

#if canImport(Glibc)
    import Glibc
#endif

/// fsync of files and directories, for the steps of a snapshot swap that must reach the disk
/// in order: the loaded file before its rename, the rename before the pointer to it.
enum Durability {
    /// Flushes `path`'s data and metadata to the disk.
    static func sync(_ path: String) throws(StoreError) {
        try sync(path, flags: O_RDONLY)
    }

    /// Flushes `directory`'s entries (a rename or an unlink in it) to the disk.
    static func syncDirectory(_ directory: String) throws(StoreError) {
        try sync(directory, flags: O_RDONLY | O_DIRECTORY)
    }

    private static func sync(_ path: String, flags: Int32) throws(StoreError) {
        let descriptor = open(path, flags | O_CLOEXEC)
        guard descriptor >= 0 else { throw StoreError(.io, "cannot open \(path) to sync it: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw StoreError(.io, "cannot sync \(path): \(String(cString: strerror(errno)))") }
    }

    /// Removes `path` and SQLite's companion files beside it; a missing file is no error.
    static func removeDatabase(_ path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { unlink(path + suffix) }
    }
}

/// The free space of a filesystem.
public enum DiskSpace {
    /// Bytes free for an unprivileged writer in the filesystem holding `path`.
    public static func freeBytes(at path: String) -> Int64? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }
}
