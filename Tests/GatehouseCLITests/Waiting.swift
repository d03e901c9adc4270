import Foundation

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
