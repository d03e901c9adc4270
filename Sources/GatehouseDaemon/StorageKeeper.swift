import GatehouseCore
import GatehouseStore
import Logging
import Synchronization

/// Reads the state directory's free space for the maintenance thread: under
/// `[storage] low_free_mb` it logs a warning and stores `alarm.storage_low` once per episode
/// (``StorageWatch``). The device goes on deciding and storing events for as long as SQLite can
/// write; a snapshot that cannot fit is refused `no_space` before anything is written.
final class StorageKeeper: Sendable {
    private let database: GatehouseDatabase
    private let directory: String
    private let eventLog: EventLog
    private let events: EventFactory
    private let logger: Logger
    private let now: @Sendable () -> Timestamp
    private let watch: Mutex<StorageWatch>

    init(database: GatehouseDatabase, eventLog: EventLog, config: GatehouseConfig, logger: Logger, now: @escaping @Sendable () -> Timestamp) {
        self.database = database
        directory = database.directory
        self.eventLog = eventLog
        events = EventFactory(site: config.site, device: config.device)
        self.logger = logger
        self.now = now
        watch = Mutex(StorageWatch(thresholdBytes: config.storage.lowFreeBytes))
    }

    /// One reading.
    func run() {
        guard let free = DiskSpace.freeBytes(at: directory) else {
            logger.debug("cannot read the free space", metadata: ["storage.directory": "\(directory)"])
            return
        }
        let (reading, threshold) = watch.withLock { watch in (watch.read(freeBytes: free), watch.thresholdBytes) }
        let metadata: Logger.Metadata = ["storage.directory": "\(directory)", "storage.free_bytes": "\(free)", "storage.threshold_bytes": "\(threshold)"]
        switch reading {
        case .becameLow:
            logger.warning("storage low: the state directory is nearly full", metadata: metadata)
            let time = now()
            let event = events.storageLow(freeBytes: free, thresholdBytes: threshold, at: time, id: EventID.make(at: time))
            do {
                try eventLog.commit([event])
            } catch {
                // The episode starts again at the next reading, so that its alarm is retried.
                watch.withLock { $0 = StorageWatch(thresholdBytes: threshold) }
                logger.critical("event not stored", metadata: ["event.type": "\(event.type.rawValue)", "error.code": "\(error.code)", "error": "\(error.message)"])
            }
        case .recovered:
            logger.notice("storage no longer low", metadata: metadata)
        case .unchanged:
            break
        }
    }

    /// True once the database file is gone from its path, or another file is there.
    var databaseRemoved: Bool { !database.isAtItsPath }

    /// The database written back to its path; the name a file found there was moved to.
    func writeBack() throws(StoreError) -> String? { try database.writeBack() }

    var databasePath: String { database.path }
}
