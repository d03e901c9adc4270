import Foundation
import GatehouseCore

#if canImport(Glibc)
    import Glibc
#endif

/// The lock on a state database that the one process applying bundles to it holds: the
/// daemon for as long as it runs, or `gatehouse bundle apply` while no daemon does. A bundle
/// applied while the daemon runs goes through the daemon, so two appliers never race for the
/// next policy file. An `flock` on `<database>.lock`, released when the owner is freed or the
/// process ends, however it ends.
public final class StateLock: Sendable {
    /// The lock file's descriptor; closing it releases the lock.
    private let descriptor: Int32
    public let path: String

    /// Takes the lock for `database` (a state database's path), making the state directory
    /// when it is missing, as opening the database would; nil when another process, or another
    /// owner in this one, holds it.
    public static func take(forDatabase database: String) throws(StoreError) -> StateLock? {
        let path = database + ".lock"
        let directory = (database as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw StoreError(.open, "cannot create the state directory \(directory): \(error.localizedDescription)")
            }
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let why = String(cString: strerror(errno))
            let hint = StateDirectoryAccess.denied(errno) ? StateDirectoryAccess.hint(directory) : ""
            throw StoreError(.open, "cannot open the lock file \(path): \(why)\(hint)")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            close(descriptor)
            if busy { return nil }
            throw StoreError(.open, "cannot lock \(path): \(reason)")
        }
        return StateLock(descriptor: descriptor, path: path)
    }

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit {
        close(descriptor)
    }
}
