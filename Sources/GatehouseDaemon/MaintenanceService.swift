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
///
/// It also watches that the database file is still where it was opened. When it is removed
/// while the daemon runs (SQLite would go on writing to a file no later start finds), it logs
/// that as critical (`storage.reason=database_removed`) and tells ``DatabaseRemoval``, whose
/// service shuts the group down in order; this service, the last to stop, then writes the
/// database back to its path with everything stored until the end and throws, so that
/// `gatehouse run` exits with a failure and systemd starts it again on the restored file.
struct MaintenanceService: Service {
    let checkpointer: WALCheckpointer
    let keeper: OutboxKeeper
    let storage: StorageKeeper
    let eventLog: EventLog
    let now: @Sendable () -> Timestamp
    let removal: DatabaseRemoval
    let logger: Logger

    func run() async throws {
        let thread = DedicatedThread(name: "gatehouse.maintenance") { [checkpointer, keeper, storage, eventLog, now, removal, logger] stop in
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
                if !removal.detected, storage.databaseRemoved {
                    logger.critical(
                        "the state database was removed while the daemon ran: it stops in order and writes the database back",
                        metadata: ["storage.reason": "database_removed", "storage.path": "\(storage.databasePath)"])
                    removal.detect()
                }
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
        guard removal.detected else { return }
        let path = storage.databasePath
        do {
            let aside = try storage.writeBack()
            logger.notice(
                "the state database was written back with everything stored", metadata: ["storage.path": "\(path)", "storage.kept_aside": "\(aside ?? "-")"])
        } catch {
            logger.critical("the state database could not be written back", metadata: ["storage.path": "\(path)", "error.code": "\(error.code)", "error": "\(error.message)"])
            throw DaemonError(.store, "the state database \(path) was removed while the daemon ran and could not be written back: \(error.message)")
        }
        throw DaemonError(.store, "the state database \(path) was removed while the daemon ran; it was written back with everything stored: start the daemon again")
    }
}
