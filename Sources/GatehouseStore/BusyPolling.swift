import Foundation
import GRDB

/// How a connection waits for a lock another holds: it tries again every half millisecond, up
/// to a limit. SQLite's own timeout backs off (1, 2, 5, 10, 15, 20, 25 ms and more between
/// tries), so a commit that meets a checkpoint of 3 ms could wait 80; on the decision path a
/// lock is never held for long, and the wait should be as long as the lock and no longer.
enum BusyPolling {
    /// A busy handler that polls every half millisecond for at most `seconds`.
    static func mode(seconds: Double) -> Database.BusyMode {
        let tries = Int(seconds * 2000)
        return .callback { numberOfTries in
            guard numberOfTries < tries else { return false }
            usleep(500)
            return true
        }
    }
}
