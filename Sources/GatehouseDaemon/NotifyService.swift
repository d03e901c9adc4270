import GatehouseCore
import Logging
import ServiceLifecycle

/// Tells systemd how the daemon is: `READY=1` once the access thread runs, `STATUS=` with the
/// bundle version and mode whenever they change, `WATCHDOG=1` at half the watchdog interval
/// while the access thread keeps going round, `STOPPING=1` when shutdown begins.
struct NotifyService: Service {
    let notifier: SystemdNotifier
    let controller: AccessController
    let logger: Logger

    func run() async throws {
        while controller.heartbeat == 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        var shown = controller.status.published
        notifier.send("READY=1", "STATUS=\(Self.describe(shown))")
        logger.info("ready", metadata: ["systemd.status": "\(Self.describe(shown))"])
        let interval = notifier.watchdogInterval.map { $0 / 2 } ?? .seconds(1)
        while !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: min(interval, .seconds(1)))
            let status = controller.status.published
            if status != shown {
                shown = status
                notifier.send("STATUS=\(Self.describe(status))")
            }
            if let watchdog = notifier.watchdogInterval, isAccessThreadAlive(within: watchdog) {
                notifier.send("WATCHDOG=1")
            }
        }
        notifier.send("STOPPING=1")
    }

    /// The access thread goes round at least once a second; a thread stuck longer than the
    /// watchdog interval is left for systemd to restart.
    private func isAccessThreadAlive(within watchdog: Duration) -> Bool {
        let age = controller.clock.monotonic() - controller.heartbeat
        return Duration.milliseconds(age) < max(watchdog, .seconds(2))
    }

    static func describe(_ status: DeviceStatus) -> String {
        "bundle \(status.bundle.map(String.init) ?? "none"), mode \(status.mode.kind.rawValue)"
    }
}
