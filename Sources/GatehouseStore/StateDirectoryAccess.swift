import Foundation

/// What an error says when the daemon's user cannot write its state directory, where the
/// database, its `-wal` and `-shm` files, the lock and the control socket live.
public enum StateDirectoryAccess {
    /// `; the daemon's user (uid N) needs write access to the state directory DIR and the files
    /// in it`, to end an error's message with.
    public static func hint(_ directory: String) -> String {
        "; the daemon's user (uid \(getuid())) needs write access to the state directory \(directory.isEmpty ? "." : directory) and the files in it"
    }

    /// Whether `errno` says the state directory or a file in it may not be written.
    public static func denied(_ error: Int32) -> Bool { error == EACCES || error == EPERM || error == EROFS }
}
