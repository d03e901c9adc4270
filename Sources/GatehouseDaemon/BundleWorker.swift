import Foundation
import GatehouseCore
import GatehouseStore
import GatehouseThreads
import Logging
import Synchronization

/// The bundle thread: verifies and applies bundles, one at a time, whether they arrive over
/// MQTT or from `gatehouse bundle apply` through the control socket, with the same code as a
/// `bundle apply` run with no daemon. The applier stores the `bundle_applied` or
/// `bundle_rejected` event of each (origin `mqtt` or `local`). An apply of a million records
/// takes seconds; here it keeps the link and the control socket free meanwhile, and the access
/// thread decides on the version in force until the new one is swapped in.
final class BundleWorker: Sendable {
    struct Job: Sendable {
        var source: BundleSource
        var origin: BundleOrigin
        /// Where it came from, for the log: a topic or a user.
        var label: String
        /// Told about every mebibyte read, on the bundle thread.
        var progress: (@Sendable (BundleProgress) -> Void)? = nil
        /// Told the outcome, on the bundle thread.
        var done: @Sendable (BundleReport) -> Void
    }

    private let jobs = BlockingQueue<Job>(capacity: 4)
    private let database: GatehouseDatabase
    private let eventLog: EventLog
    private let site: String
    private let device: String
    private let trust: Mutex<TrustSet>
    private let logger: Logger
    private let now: @Sendable () -> Timestamp
    /// Told after each bundle applied, so that the clock floor takes its `iat` and the access
    /// path moves to it.
    private let applied: @Sendable (BundleManifest) -> Void
    private let thread = Mutex<DedicatedThread?>(nil)

    init(config: GatehouseConfig, trust: TrustSet, database: GatehouseDatabase, eventLog: EventLog, logger: Logger, now: @escaping @Sendable () -> Timestamp,
        applied: @escaping @Sendable (BundleManifest) -> Void
    ) {
        self.database = database
        self.eventLog = eventLog
        self.site = config.site
        self.device = config.device
        self.trust = Mutex(trust)
        self.logger = logger
        self.now = now
        self.applied = applied
    }

    /// The applier the next bundle goes through.
    var applier: BundleApplier {
        BundleApplier(database: database, trust: trust.withLock { $0 }, site: site, device: device, eventLog: eventLog, now: now)
    }

    func start() {
        thread.withLock { thread in
            precondition(thread == nil, "the bundle thread starts once")
            thread = DedicatedThread(name: "gatehouse.bundle") { [self] in
                // Ten nice levels down, with the body's reading thread it starts: on two cores
                // the access thread gets the processor the moment a badge is presented.
                DedicatedThread.lowerCurrentPriority(by: 10)
                while true {
                    switch jobs.next(timeout: 3600) {
                    case .element(let job): job.done(apply(job))
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
        let result: BundleReport
        do {
            switch try applier.apply(job.source, origin: job.origin, progress: { job.progress?($0) }) {
            case .applied(let manifest): result = .applied(manifest)
            case .noop(let manifest): result = .noop(manifest)
            }
        } catch {
            switch error {
            case .refused(let refusal): result = .refused(refusal)
            case .store(let failure): result = .failed(failure)
            }
        }
        log(result, job: job)
        if case .applied(let manifest) = result { applied(manifest) }
        return result
    }

    private func log(_ result: BundleReport, job: Job) {
        var metadata: Logger.Metadata = ["bundle.origin": "\(job.origin.rawValue)", "bundle.from": "\(job.label)"]
        switch result {
        case .applied(let manifest):
            metadata["bundle.version"] = "\(manifest.version)"
            metadata["bundle.kind"] = "\(manifest.kind.rawValue)"
            metadata["bundle.records"] = "\(manifest.records)"
            logger.info("bundle applied", metadata: metadata)
        case .noop(let manifest):
            logger.debug("bundle already applied", metadata: metadata.merging(["bundle.version": "\(manifest.version)"]) { $1 })
        case .refused(let refusal):
            metadata["bundle.reason"] = "\(refusal.reason.rawValue)"
            metadata["bundle.detail"] = "\(refusal.detail)"
            if let manifest = refusal.manifest { metadata["bundle.version"] = "\(manifest.version)" }
            logger.warning("bundle refused", metadata: metadata)
        case .failed(let error):
            logger.error("bundle not applied: the store failed", metadata: metadata.merging(["error.code": "\(error.code)", "error": "\(error.message)"]) { $1 })
        }
    }
}
