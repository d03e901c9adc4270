import Foundation

/// A small ext4 filesystem in an image file, mounted through a loop device with
/// `errors=remount-ro` on a fresh temporary directory: where a test makes the kernel turn the
/// state directory read-only under a running daemon, as it does when an SD card fails
/// (``failReadOnly()``). Unmounted and removed when freed. Needs root, which the test scripts
/// run as.
public final class LoopFilesystem: Sendable {
    public let path: String
    private let image: String

    public init(megabytes: Int) throws {
        let base = NSTemporaryDirectory() + "gatehouse-loop-fs-\(UUID().uuidString)"
        path = base
        image = base + ".img"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: image, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: image))
        try handle.truncate(atOffset: UInt64(megabytes) << 20)
        try handle.close()
        let made = try Subprocess.run("/usr/sbin/mkfs.ext4", ["-q", "-F", image])
        guard made.status == 0 else { throw TestingError("mkfs.ext4 \(image) failed: \(made.standardError)") }
        try mount()
    }

    /// A path inside it.
    public func file(_ name: String) -> String { path + "/" + name }

    /// The loop device it is mounted from, as /proc/mounts names it (`loop3`).
    public var device: String? {
        let mounts = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? ""
        let line = mounts.split(separator: "\n").first { $0.split(separator: " ").dropFirst().first.map(String.init) == path }
        return line?.split(separator: " ").first.map { String($0.split(separator: "/").last ?? "") }
    }

    /// Whether the kernel has it mounted read-only now.
    public var isReadOnly: Bool {
        let mounts = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? ""
        guard let line = mounts.split(separator: "\n").first(where: { $0.split(separator: " ").dropFirst().first.map(String.init) == path }) else { return false }
        let options = line.split(separator: " ").dropFirst(3).first ?? ""
        return options.split(separator: ",").contains("ro") || options.split(separator: ",").contains("emergency_ro")
    }

    /// Writes out everything the filesystem holds in memory (`sync -f`, syncfs(2)).
    public func sync() throws {
        let synced = try Subprocess.run("/bin/sync", ["-f", path])
        guard synced.status == 0 else { throw TestingError("sync -f \(path) failed: \(synced.standardError)") }
    }

    /// Raises an ext4 error (`/sys/fs/ext4/DEV/trigger_fs_error`): with `errors=remount-ro` the
    /// kernel makes the filesystem read-only at once, files open for writing included.
    public func failReadOnly() throws {
        guard let device else { throw TestingError("\(path) is not mounted") }
        let trigger = "/sys/fs/ext4/\(device)/trigger_fs_error"
        guard let handle = FileHandle(forWritingAtPath: trigger) else { throw TestingError("cannot open \(trigger)") }
        try handle.write(contentsOf: Data("gatehouse test: state directory fails\n".utf8))
        try handle.close()
    }

    /// Unmounts it, repairs it with `fsck.ext4 -fy` (as a boot would) and mounts it again
    /// read-write. Everything using files inside must have closed them.
    public func repairAndRemount() throws {
        let unmounted = try Subprocess.run("/bin/umount", [path])
        guard unmounted.status == 0 else { throw TestingError("umount \(path) failed: \(unmounted.standardError)") }
        let checked = try Subprocess.run("/usr/sbin/fsck.ext4", ["-fy", image])
        guard checked.status <= 1 else { throw TestingError("fsck.ext4 \(image) failed (\(checked.status)): \(checked.standardError)") }
        try mount()
    }

    private func mount() throws {
        let mounted = try Subprocess.run("/bin/mount", ["-o", "loop,errors=remount-ro", image, path])
        guard mounted.status == 0 else { throw TestingError("cannot mount \(image) on \(path) (tests run as root): \(mounted.standardError)") }
    }

    deinit {
        _ = try? Subprocess.run("/bin/umount", [path])
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.removeItem(atPath: image)
    }
}
