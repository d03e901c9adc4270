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
        let filler = file(name)
        let descriptor = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw TestingError("cannot create \(filler): errno \(errno)") }
        defer { close(descriptor) }
        // Written until the filesystem says it is full (or `freeBytes` are left), in ever smaller
        // pieces, since what statvfs reports free is not quite what a file can take.
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        var piece = zeros.count
        while piece > 0 {
            var info = statvfs()
            guard statvfs(path, &info) == 0 else { throw TestingError("statvfs \(path) failed") }
            let free = Int64(info.f_bavail) * Int64(info.f_frsize)
            let room = free - freeBytes
            if room <= 0 { break }
            let wanted = min(piece, Int(room))
            let written = zeros.withUnsafeBytes { write(descriptor, $0.baseAddress, wanted) }
            if written < wanted { piece /= 2 }
        }
        if freeBytes == 0 {
            // The last blocks: one byte at a time until the filesystem refuses.
            var one: UInt8 = 0
            for _ in 0..<1_000_000 where write(descriptor, &one, 1) == 1 {}
        }
        return filler
    }

    deinit {
        _ = try? Subprocess.run("/bin/umount", ["-l", path])
        try? FileManager.default.removeItem(atPath: path)
    }
}
