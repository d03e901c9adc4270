import Foundation
import GatehouseCore
import GatehouseStore
import GatehouseThreads
import Logging
import ServiceLifecycle

/// Housekeeping on a thread of its own, so that the access thread's commits never pay for it:
/// a WAL checkpoint and a reading of the free space once a second (a last checkpoint at
/// shutdown), the outbox's upkeep every ten, and the time seen kept every sixty (for the clock
/// floor of a device whose outbox the keeper has emptied).
struct MaintenanceService: Service {
    let checkpointer: WALCheckpointer
    let keeper: OutboxKeeper
    let storage: StorageKeeper
    let eventLog: EventLog
    let now: @Sendable () -> Timestamp
    let logger: Logger

    func run() async throws {
        let thread = DedicatedThread(name: "gatehouse.maintenance") { [checkpointer, keeper, storage, eventLog, now, logger] stop in
            var failing = false
            var second = 0
            var going = true
            storage.run()
            repeat {
                // A stop cuts the second short; the last checkpoint below still runs.
                going = stop.pause(milliseconds: 1000)
                second += 1
                if second % 10 == 0 { keeper.run() }
                if second % 60 == 0 { try? eventLog.noteTimeSeen(now()) }
                storage.run()
                do throws(StoreError) {
                    try checkpointer.checkpoint(quiet: eventLog.quietMilliseconds >= 250)
                    failing = false
                } catch {
                    // Logged once per run of failures; the log keeps growing until one succeeds.
                    if !failing { logger.error("WAL checkpoint failed", metadata: ["error.code": "\(error.code)", "error": "\(error.message)"]) }
                    failing = true
                }
            } while going
            try? eventLog.noteTimeSeen(now())
        }
        try? await gracefulShutdown()
        await thread.stopAndJoin()
    }
}
