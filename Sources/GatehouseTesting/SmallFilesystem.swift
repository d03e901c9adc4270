import Foundation

/// A filesystem of a few megabytes of its own (a tmpfs with a size limit), mounted on a fresh
/// temporary directory and unmounted when freed: where a test fills the disk without touching
/// the machine's. Needs root, which the test scripts run as.
public final class SmallFilesystem: Sendable {
    public let path: String

    public init(megabytes: Int) throws {
        path = NSTemporaryDirectory() + "gatehouse-small-fs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let mount = try Subprocess.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0755", "tmpfs", path])
        guard mount.status == 0 else {
            throw TestingError("cannot mount a \(megabytes) MB tmpfs on \(path) (tests run as root): \(mount.standardError)")
        }
    }

    /// A path inside it.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Fills it with a file of its own until at most `freeBytes` remain; returns that file.
    @discardableResult
    public func fill(leaving freeBytes: Int64, name: String = "filler") throws -> String {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { throw TestingError("statvfs \(path) failed") }
        let free = Int64(info.f_bavail) * Int64(info.f_frsize)
        let filler = file(name)
        let size = max(0, free - freeBytes)
        FileManager.default.createFile(atPath: filler, contents: Data(count: Int(size)))
        return filler
    }

    deinit {
        _ = try? Subprocess.run("/bin/umount", ["-l", path])
        try? FileManager.default.removeItem(atPath: path)
    }
}
