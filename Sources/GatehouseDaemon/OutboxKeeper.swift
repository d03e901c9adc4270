import GatehouseCore
import GatehouseStore
import Logging

/// Keeps the outbox within bounds: prunes events published longer ago than the retention,
/// raises `outbox_high` once when the unpublished events reach the high-water mark (again
/// after they fell below 90 % of it), and at the maximum drops the oldest unpublished events
/// with an `outbox_high` alarm that names them, so that nothing goes silently. It also forgets
/// patrol rounds older than `patrol.history_days`.
// `alarmed` is touched only by the maintenance thread, the one caller of run(); everything
// else is immutable. That is what makes sharing the keeper safe.
final class OutboxKeeper: @unchecked Sendable {
    let outbox: Outbox
    let eventLog: EventLog
    let limits: GatehouseConfig.Outbox
    let patrolHistoryDays: Int
    let events: EventFactory
    let logger: Logger
    let now: @Sendable () -> Timestamp
    private var alarmed = false

    init(database: GatehouseDatabase, eventLog: EventLog, config: GatehouseConfig, logger: Logger, now: @escaping @Sendable () -> Timestamp) {
        outbox = Outbox(database: database)
        self.eventLog = eventLog
        limits = config.outbox
        patrolHistoryDays = config.patrol.historyDays
        events = EventFactory(site: config.site, device: config.device)
        self.logger = logger
        self.now = now
    }

    /// One round of upkeep; failures are logged and tried again next round.
    func run() {
        let time = now()
        do {
            let cutoff = time.adding(seconds: -Int64(limits.retentionHours) * 3600)
            var pruned = 0
            while case let count = try outbox.prune(publishedBefore: cutoff), count > 0 {
                pruned += count
            }
            if pruned > 0 { logger.debug("published events pruned", metadata: ["outbox.pruned": "\(pruned)"]) }
            let rounds = try eventLog.prunePatrolRounds(startedBefore: time.adding(seconds: -Int64(patrolHistoryDays) * 86_400))
            if rounds > 0 { logger.debug("old patrol rounds pruned", metadata: ["patrol.pruned": "\(rounds)"]) }
            let dropped = try outbox.enforce(maximum: limits.maximumEvents)
            let unpublished = try outbox.unpublishedCount()
            if let dropped {
                logger.critical(
                    "outbox full: the oldest unpublished events were dropped",
                    metadata: ["outbox.dropped.first": "\(dropped.lowerBound)", "outbox.dropped.last": "\(dropped.upperBound)", "outbox.max": "\(limits.maximumEvents)"])
                alarm(unpublished: unpublished, dropped: dropped, at: time)
                alarmed = true
            } else if unpublished >= limits.highWater, !alarmed {
                logger.warning("outbox high: events are not reaching the broker", metadata: ["outbox.unpublished": "\(unpublished)", "outbox.high_water": "\(limits.highWater)"])
                alarm(unpublished: unpublished, dropped: nil, at: time)
                alarmed = true
            } else if unpublished < limits.highWater * 9 / 10 {
                alarmed = false
            }
        } catch {
            logger.error("outbox upkeep failed", metadata: ["error.code": "\(error.code)", "error": "\(error.message)"])
        }
    }

    private func alarm(unpublished: Int64, dropped: ClosedRange<Int64>?, at time: Timestamp) {
        let event = events.outboxHigh(
            unpublished: unpublished, highWater: limits.highWater, maximum: limits.maximumEvents, dropped: dropped, at: time, id: EventID.make(at: time))
        do {
            try eventLog.commit([event])
        } catch {
            logger.critical("event not stored", metadata: ["event.type": "\(event.type.rawValue)", "error.code": "\(error.code)", "error": "\(error.message)"])
        }
    }
}
