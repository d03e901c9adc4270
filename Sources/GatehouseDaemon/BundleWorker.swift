import Foundation
import GatehouseCore
import GatehouseStore
import GatehouseThreads
import Logging
import Synchronization

/// The bundle thread: verifies and applies bundles that arrive over MQTT, one at a time, with
/// the same code as `gatehouse bundle apply`, and stores a `bundle_applied` or
/// `bundle_rejected` event for each. An apply of a million records takes seconds, so it runs
/// here rather than on the link thread, which keeps publishing meanwhile.
final class BundleWorker: Sendable {
    struct Job: Sendable {
        var bytes: [UInt8]
        /// `site topic` or `device topic`, for the event and the log.
        var origin: String
    }

    private let jobs = BlockingQueue<Job>(capacity: 4)
    private let database: GatehouseDatabase
    private let eventLog: EventLog
    private let events: EventFactory
    private let site: String
    private let device: String
    private let trust: Mutex<TrustSet>
    private let logger: Logger
    private let now: @Sendable () -> Timestamp
    private let done: @Sendable (BundleReport) -> Void
    /// Told after each bundle applied, so the access path takes it as the one in force.
    private let applied: @Sendable () -> Void
    private let thread = Mutex<DedicatedThread?>(nil)

    init(config: GatehouseConfig, trust: TrustSet, database: GatehouseDatabase, eventLog: EventLog, logger: Logger, now: @escaping @Sendable () -> Timestamp,
        applied: @escaping @Sendable () -> Void, done: @escaping @Sendable (BundleReport) -> Void
    ) {
        self.database = database
        self.eventLog = eventLog
        self.events = EventFactory(site: config.site, device: config.device)
        self.site = config.site
        self.device = config.device
        self.trust = Mutex(trust)
        self.logger = logger
        self.now = now
        self.done = done
        self.applied = applied
    }

    func start() {
        thread.withLock { thread in
            precondition(thread == nil, "the bundle thread starts once")
            thread = DedicatedThread(name: "gatehouse.bundle") { [self] in
                while true {
                    switch jobs.next(timeout: 3600) {
                    case .element(let job): done(apply(job))
                    case .timedOut: continue
                    case .closed: return
                    }
                }
            }
        }
    }

    /// Finishes the bundles already queued, then ends the thread.
    func stop() async {
        jobs.close()
        await thread.withLock { $0 }?.join()
    }

    /// Queues a bundle; false when four are already waiting.
    func submit(_ job: Job) -> Bool { jobs.offer(job) }

    /// Takes new bundle keys for the next bundles (a reloaded configuration).
    func reconfigure(trust newTrust: TrustSet) { trust.withLock { $0 = newTrust } }

    private func apply(_ job: Job) -> BundleReport {
        let applier = BundleApplier(database: database, trust: trust.withLock { $0 }, site: site, device: device, now: now)
        let result: BundleReport
        do {
            switch try applier.apply(.bytes(job.bytes)) {
            case .applied(let manifest): result = .applied(manifest)
            case .noop(let manifest): result = .noop(manifest)
            }
        } catch {
            switch error {
            case .refused(let refusal): result = .refused(refusal)
            case .store(let failure): result = .failed(failure)
            }
        }
        record(result, origin: job.origin)
        return result
    }

    private func record(_ result: BundleReport, origin: String) {
        let time = now()
        var metadata: Logger.Metadata = ["bundle.origin": "\(origin)"]
        switch result {
        case .applied(let manifest):
            metadata["bundle.version"] = "\(manifest.version)"
            metadata["bundle.records"] = "\(manifest.records)"
            logger.info("bundle applied", metadata: metadata)
            commit(events.bundleApplied(manifest, via: origin, at: time, id: EventID.make(at: time)))
            applied()
        case .noop(let manifest):
            logger.debug("bundle already applied", metadata: metadata.merging(["bundle.version": "\(manifest.version)"]) { $1 })
        case .refused(let refusal):
            metadata["bundle.reason"] = "\(refusal.reason.rawValue)"
            metadata["bundle.detail"] = "\(refusal.detail)"
            if let manifest = refusal.manifest { metadata["bundle.version"] = "\(manifest.version)" }
            logger.warning("bundle refused", metadata: metadata)
            commit(events.bundleRejected(refusal, via: origin, at: time, id: EventID.make(at: time)))
        case .failed(let error):
            logger.error("bundle not applied: the store failed", metadata: metadata.merging(["error.code": "\(error.code)", "error": "\(error.message)"]) { $1 })
        }
    }

    private func commit(_ event: PendingEvent) {
        do {
            try eventLog.commit([event])
        } catch {
            logger.critical("event not stored", metadata: ["event.type": "\(event.type.rawValue)", "error.code": "\(error.code)", "error": "\(error.message)"])
        }
    }
}
