import Foundation
import GatehouseCore
import GatehouseStore
import GatehouseThreads
import Logging
import ServiceLifecycle

/// Writes the daemon's metrics (``DaemonMetrics``) every `[metrics] interval_s` as
/// `gatehouse.prom` in node_exporter's textfile directory, on a thread of its own: the gauges
/// are refreshed from the outbox (one cheap read), the access path and the link, the registry is written to a temporary file
/// beside it and renamed over it, so node_exporter never reads half a file. A last write
/// follows the stop. No socket is opened.
struct MetricsService: Service {
    /// The file's name in the directory.
    static let fileName = "gatehouse.prom"

    let metrics: DaemonMetrics
    let directory: String
    let intervalSeconds: Int
    let database: GatehouseDatabase
    let controller: AccessController
    let link: MQTTLink?
    let now: @Sendable () -> Timestamp
    let logger: Logger

    func run() async throws {
        let thread = DedicatedThread(name: "gatehouse.metrics") { [self] stop in
            var failing = false
            var applied: (version: Int64?, at: Timestamp?) = (nil, nil)
            repeat {
                failing = write(failing: failing, applied: &applied)
            } while stop.pause(milliseconds: intervalSeconds * 1000)
            _ = write(failing: failing, applied: &applied)
        }
        try? await gracefulShutdown()
        await thread.stopAndJoin()
    }

    /// One refresh and write; whether it failed (logged at the first of a run of failures).
    /// `applied`: the bundle in force and when it was applied, read again only when the version
    /// changes (it takes opening the policy file).
    private func write(failing: Bool, applied: inout (version: Int64?, at: Timestamp?)) -> Bool {
        let device = controller.status
        if device.bundle != applied.version || (device.bundle != nil && applied.at == nil) {
            applied = (device.bundle, try? database.appliedBundle()?.appliedAt)
        }
        let outbox = try? database.outboxFigures()
        metrics.refresh(waiting: outbox?.waiting, oldest: outbox?.oldest, appliedAt: applied.at, link: link?.health, device: device, now: now())
        let file = directory + "/" + Self.fileName
        let temporary = directory + "/.\(Self.fileName).\(getpid()).tmp"
        do {
            try Data(metrics.exposition().utf8).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, file) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file]) }
            if failing { logger.notice("metrics file written again", metadata: ["metrics.file": "\(file)"]) }
            return false
        } catch {
            unlink(temporary)
            if !failing {
                logger.warning("cannot write the metrics file; retrying every interval", metadata: ["metrics.file": "\(file)", "error": "\(error.localizedDescription)"])
            }
            return true
        }
    }
}
