import Foundation
import GatehouseCore
import GatehouseStore
import Logging
import Synchronization

/// The access thread: takes presentations from every reader in turn, decides each with the
/// policy engine, pulses the door's relay, then stores the events and the state changes.
///
/// Everything blocking (SQLite reads and commits) runs on this one thread, never on Swift's
/// cooperative pool. The relay is pulsed before the commit, so the door never waits on the
/// disk; the caller hears the outcome only after the commit, so a reported decision always
/// has its event stored.
// `state`, `streaks`, `doors` and `lastFreshnessCheck` are touched only by the access thread, and
// `thread` only by the service that starts and stops it, one after the other; everything
// else is immutable or behind a Mutex or an Atomic. That is what makes sharing it safe.
public final class AccessController: @unchecked Sendable {
    /// What the access thread decides with; swapped whole when the config is reloaded.
    struct Settings: Sendable {
        var config: GatehouseConfig
        var engine: PolicyEngine
        var events: EventFactory
    }

    enum Job: Sendable {
        case present(reader: String, Presentation, reply: @Sendable (Result<AccessOutcome, DaemonError>) -> Void)
        case command(RemoteCommand, reply: @Sendable (Result<CommandOutcome, DaemonError>) -> Void)
        case input(InputChange)
        /// A mode change or a muster list asked for on the control socket, by `origin`.
        case local(LocalRequest, origin: String, reply: @Sendable (Result<[StoredEvent], DaemonError>) -> Void)
    }

    /// What the control socket may ask of the access thread besides presentations.
    public enum LocalRequest: Sendable {
        case mode(DeviceMode)
        case muster
    }

    let policyReader: PolicyReader
    let eventLog: EventLog
    let outputs: any OutputPort
    let logger: Logger
    let now: @Sendable () -> Timestamp
    let software: String
    /// The time zones of patrol routes' schedules.
    let timeZones = TimeZoneCatalog()
    let jobs = JobQueue<Job>(capacity: 256)
    private let settings: Mutex<Settings>
    private let published: Mutex<DeviceStatus>
    private let lastBeat = Atomic<Int64>(0)
    private var thread: DedicatedThread?

    /// Access-thread state.
    var state: RuntimeState
    var streaks: DenialStreaks
    /// Each door's state machine, with the configuration it was made from.
    var doors: [String: (config: DoorConfig, machine: DoorMachine<PassageTicket>)] = [:]
    private var lastFreshnessCheck = Timestamp(millisecondsSinceEpoch: 0)

    /// Opens the cache for reading and loads the runtime state; nothing runs until ``start()``.
    public init(config: GatehouseConfig, inviteKeys: TrustSet, database: GatehouseDatabase, eventLog: EventLog, outputs: any OutputPort, software: String, logger: Logger, now: @escaping @Sendable () -> Timestamp) throws(StoreError) {
        policyReader = try PolicyReader(database)
        self.eventLog = eventLog
        state = try eventLog.runtimeState()
        // Known from the start, so that the first status the link publishes is right.
        published = Mutex(DeviceStatus(bundle: try database.appliedBundle()?.version, mode: state.mode))
        streaks = DenialStreaks(threshold: config.policy.repeatedDenialsThreshold)
        settings = Mutex(Self.settings(config, inviteKeys: inviteKeys))
        self.outputs = outputs
        self.software = software
        self.logger = logger
        self.now = now
    }

    static func settings(_ config: GatehouseConfig, inviteKeys: TrustSet) -> Settings {
        Settings(
            config: config,
            engine: PolicyEngine(site: config.site, settings: config.policy, inviteKeys: inviteKeys, timeZones: TimeZoneCatalog()),
            events: EventFactory(site: config.site, device: config.device))
    }

    /// Starts the access thread; it stores `system.started` first.
    func start() {
        precondition(thread == nil, "the access thread starts once")
        thread = DedicatedThread(name: "gatehouse.access") { [self] in run() }
    }

    /// Lets the queued presentations finish, then ends the thread.
    func stop() async {
        jobs.close()
        await thread?.join()
    }

    /// Presents a credential at a reader and waits for the outcome. Call it from a thread of
    /// your own (the control socket's), never from the cooperative pool.
    public func present(reader: String, _ presentation: Presentation, timeout: TimeInterval = 10) -> Result<AccessOutcome, DaemonError> {
        ask(timeout: timeout) { reply in .present(reader: reader, presentation, reply: reply) }
    }

    /// Queues a remote command (open, mode, muster) for the access thread; `reply` is called on
    /// that thread once it is carried out and its events are stored. False when the queue is
    /// full or shutting down.
    public func submit(_ command: RemoteCommand, reply: @escaping @Sendable (Result<CommandOutcome, DaemonError>) -> Void) -> Bool {
        jobs.push(.command(command, reply: reply))
    }

    /// Asks the access thread for a mode change or a muster list, for `origin` (`cli:USER`),
    /// and waits for the stored events. Call it from a thread of your own.
    public func request(_ request: LocalRequest, origin: String, timeout: TimeInterval = 10) -> Result<[StoredEvent], DaemonError> {
        ask(timeout: timeout) { reply in .local(request, origin: origin, reply: reply) }
    }

    /// Queues a job and waits for its reply, at most `timeout` seconds.
    private func ask<Value: Sendable>(
        timeout: TimeInterval, _ job: (@escaping @Sendable (Result<Value, DaemonError>) -> Void) -> Job
    ) -> Result<Value, DaemonError> {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Result<Value, DaemonError>?>(nil)
        let accepted = jobs.push(job { outcome in
            result.withLock { $0 = outcome }
            done.signal()
        })
        guard accepted else { return .failure(DaemonError(code: "daemon.busy", message: "the access queue is full or shutting down")) }
        guard done.wait(timeout: .now() + timeout) == .success, let outcome = result.withLock({ $0 }) else {
            return .failure(DaemonError(code: "daemon.busy", message: "no answer within \(Int(timeout)) s"))
        }
        return outcome
    }

    /// Swaps the configuration the next decisions use. The site, device and database cannot
    /// change while running; the caller checks that.
    public func reconfigure(_ config: GatehouseConfig, inviteKeys: TrustSet) {
        settings.withLock { $0 = Self.settings(config, inviteKeys: inviteKeys) }
    }

    /// The bundle version and mode, for systemd's STATUS= line.
    public var status: DeviceStatus { published.withLock { $0 } }

    /// When the access thread last went round its loop (milliseconds since the epoch); the
    /// watchdog is fed only while this stays recent.
    var heartbeat: Int64 { lastBeat.load(ordering: .relaxed) }

    private func run() {
        recordStart()
        applyModeToDoors()
        beat()
        while true {
            // A quarter of a second at most, so that doors hear the time often enough.
            switch jobs.pop(timeout: 0.25) {
            case .job(.present(let readerID, let presentation, let reply)):
                reply(handle(reader: readerID, presentation))
            case .job(.command(let command, let reply)):
                reply(carryOut(command))
            case .job(.input(let change)):
                handleInput(change)
            case .job(.local(let request, let origin, let reply)):
                reply(carryOut(request, origin: origin))
            case .timedOut:
                break
            case .closed:
                logger.info("access thread stopped")
                return
            }
            beat()
            tickDoors()
            // Once a second at most, so that a burst of presentations does not pay for it.
            let time = now()
            if time.millisecondsSinceEpoch - lastFreshnessCheck.millisecondsSinceEpoch >= 1000 {
                lastFreshnessCheck = time
                checkPolicyFreshness()
                checkPatrol()
            }
        }
    }

    var currentSettings: Settings { settings.withLock { $0 } }

    func publishStatus() {
        let mode = state.mode
        published.withLock { $0.mode = mode }
    }

    func setPublishedBundle(_ version: Int64?) {
        published.withLock { $0.bundle = version }
    }

    private func beat() {
        lastBeat.store(now().millisecondsSinceEpoch, ordering: .relaxed)
    }
}
