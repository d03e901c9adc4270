import Foundation
import GatehouseStore
import GatehouseThreads
import Logging
import ServiceLifecycle
import Synchronization

/// Housekeeping on a thread of its own, so that the access thread's commits never pay for it:
/// a WAL checkpoint once a second (a last one at shutdown) and the outbox's upkeep every ten.
struct MaintenanceService: Service {
    let checkpointer: WALCheckpointer
    let keeper: OutboxKeeper
    let logger: Logger

    func run() async throws {
        let stopping = Atomic<Bool>(false)
        let thread = DedicatedThread(name: "gatehouse.maintenance") { [checkpointer, keeper, logger] in
            var failing = false
            var second = 0
            repeat {
                Thread.sleep(forTimeInterval: 1)
                second += 1
                if second % 10 == 0 { keeper.run() }
                do throws(StoreError) {
                    try checkpointer.checkpoint()
                    failing = false
                } catch {
                    // Logged once per run of failures; the log keeps growing until one succeeds.
                    if !failing { logger.error("WAL checkpoint failed", metadata: ["error.code": "\(error.code)", "error": "\(error.message)"]) }
                    failing = true
                }
            } while !stopping.load(ordering: .relaxed)
        }
        try? await gracefulShutdown()
        stopping.store(true, ordering: .relaxed)
        await thread.join()
    }
}
