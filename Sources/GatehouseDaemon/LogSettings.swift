import Logging
import Synchronization

/// The log level every handler made from now on takes: `main` bootstraps logging once, before
/// the configuration is read, and `gatehouse run` sets the level from `--log-level` or
/// `[log] level` before it makes its loggers.
public enum LogSettings {
    private static let current = Mutex<Logger.Level>(.info)

    public static var level: Logger.Level {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }
}
