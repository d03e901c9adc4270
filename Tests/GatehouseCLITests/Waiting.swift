import Foundation
import GatehouseCore
import GatehouseDaemon
import Synchronization

/// Checks `condition` every 20 ms until it holds, for up to 30 s; whether it held. A bound on
/// waiting for something another thread or process does, not a measure of its speed.
func waitUntil(_ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.02)
    }
    return try condition()
}

extension Daemon {
    /// Applies the bundle file at `path` through the running daemon and returns its reply
    /// (nil when its queue refused it or no reply came within a minute).
    func applyAndWait(_ path: String) -> JSONObject? {
        let done = DispatchSemaphore(value: 0)
        let reply = Mutex<JSONObject?>(nil)
        guard submitBundle(path, done: { answer in reply.withLock { $0 = answer }; done.signal() }) else { return nil }
        _ = done.wait(timeout: .now() + 60)
        return reply.withLock { $0 }
    }
}
