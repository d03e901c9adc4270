import Foundation
import GatehouseStore
import Logging
import ServiceLifecycle
import Synchronization

/// Checkpoints the database's write-ahead log once a second on a thread of its own, so that
/// the access thread's commits never pay for it. A last checkpoint runs at shutdown.
struct CheckpointService: Service {
    let checkpointer: WALCheckpointer
    let logger: Logger

    func run() async throws {
        let stopping = Atomic<Bool>(false)
        let thread = DedicatedThread(name: "gatehouse.checkpoint") { [checkpointer, logger] in
            var failing = false
            repeat {
                Thread.sleep(forTimeInterval: 1)
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
