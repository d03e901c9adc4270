import Foundation
import GatehouseCore
import GatehouseStore
import GatehouseThreads
import Logging
import Synchronization

/// The access thread: the executor of the ``AccessMachine``. It takes the machine's inputs in
/// turn (presentations from every reader, input changes, commands, local requests, bundles
/// applied, reloads, and a tick when nothing else comes), hands each to the machine inside one
/// read transaction of the cache, then does what the machine's step says: drive the outputs,
/// log its lines, store its events and effects in one transaction, tell the machine they were
/// stored, and reply.
///
/// Everything blocking (SQLite reads and commits) runs on this one thread, never on Swift's
/// cooperative pool. The outputs are driven before the commit, so the door never waits on the
/// disk; the caller hears the outcome only after the commit, so a reported decision always has
/// its event stored.
// `machine` is touched only by the access thread, and `thread` only by the service that starts
// and stops it, one after the other; everything else is immutable or behind a Mutex or an
// Atomic. That is what makes sharing it safe.
public final class AccessController: @unchecked Sendable {
    /// What one input gave: the machine's step, and the events stored for it (empty when
    /// storing failed, or when there was nothing to store).
    struct Handled: Sendable {
        var step: AccessStep
        var stored: [StoredEvent]
        var storeFailed: Bool
    }

    struct Job: Sendable {
        var input: AccessInput
        var reply: (@Sendable (Handled) -> Void)?
    }

    /// What the control socket may ask of the access thread besides presentations.
    public enum LocalRequest: Sendable {
        case mode(ModeRequest)
        case muster
    }

    let policyReader: PolicyReader
    let eventLog: EventLog
    let outputs: any OutputPort
    let logger: Logger
    let clock: DaemonClock
    let software: String
    /// Where decisions, their latency and door alarms are counted; nil without `[metrics]`.
    let metrics: DaemonMetrics?
    /// One catalog of time zones for every configuration the daemon runs with.
    let timeZones = TimeZoneCatalog()
    let jobs = BlockingQueue<Job>(capacity: 256)
    private let published: Mutex<(status: DeviceStatus, config: GatehouseConfig, doors: [String: DoorCondition])>
    /// What other threads hand the access thread besides jobs, kept until it takes them before
    /// its next input, so that neither is lost when the queue is full: a reloaded configuration
    /// and word of a bundle applied.
    private let pending = Mutex<(settings: AccessSettings?, policyChanged: Bool)>((nil, false))
    private let lastBeat = Atomic<Int64>(0)
    /// The readers that show signals themselves (OSDP), by id.
    private let signals = Mutex<[String: any ReaderSignalPort]>([:])
    private var thread: DedicatedThread?

    /// Access-thread state: the whole runtime state of the access path.
    private var machine: AccessMachine

    /// Opens the cache for reading and loads the runtime state; nothing runs until ``start()``.
    public init(
        config: GatehouseConfig, inviteKeys: TrustSet, secrets: DeviceSecrets = .none, database: GatehouseDatabase, eventLog: EventLog, outputs: any OutputPort, software: String,
        logger: Logger, clock: DaemonClock = .system, metrics: DaemonMetrics? = nil
    ) throws(StoreError) {
        self.metrics = metrics
        policyReader = try PolicyReader(database)
        self.eventLog = eventLog
        let state = try eventLog.runtimeState()
        // The bundle in force, read as every decision reads it.
        let applied = try policyReader.read { view in try view.appliedBundle() }
        machine = AccessMachine(
            settings: AccessSettings(config: config, inviteKeys: inviteKeys, timeZones: timeZones, secrets: secrets), state: state, applied: applied)
        // Known from the start, so that the first status the link publishes is right.
        published = Mutex((DeviceStatus(bundle: applied?.version, mode: state.mode), config, [:]))
        self.outputs = outputs
        self.software = software
        self.logger = logger
        self.clock = clock
    }

    /// Routes the signals of reader `id` (grant, deny, PIN wanted) to its own port.
    func attach(_ port: any ReaderSignalPort, for id: String) {
        signals.withLock { $0[id] = port }
    }

    /// Starts the access thread; it stores `system.started` first.
    func start() {
        precondition(thread == nil, "the access thread starts once")
        thread = DedicatedThread(name: "gatehouse.access") { [self] in run() }
    }

    /// Lets the queued inputs finish, then ends the thread.
    func stop() async {
        jobs.close()
        await thread?.join()
    }

    /// Presents a credential at a reader and waits for the outcome. Call it from a thread of
    /// your own (the control socket's, a reader's), never from the cooperative pool.
    public func present(reader: String, _ presentation: Presentation, timeout: TimeInterval = 10) -> Result<AccessOutcome, DaemonError> {
        let asked = DispatchTime.now().uptimeNanoseconds  // monotonic, for the latency histogram
        return ask(.presented(reader: reader, presentation), timeout: timeout).flatMap { handled in
            switch handled.step.reply {
            case .decided(let request, let decision):
                metrics?.decided(decision, nanoseconds: DispatchTime.now().uptimeNanoseconds - asked)
                return .success(AccessOutcome(request: request, decision: decision, events: handled.stored))
            case .pinWanted(let request, let decision), .companionWanted(let request, let decision):
                return .success(AccessOutcome(request: request, decision: decision, events: []))
            case .unknownReader(let id):
                return .failure(unknownReader(id))
            default:
                preconditionFailure("a presentation is decided, waits for a PIN or a second person, or is refused")
            }
        }
    }

    /// Keys typed at a reader's keypad (`0`-`9`, `*`, `#`), for the credential waiting there
    /// for its PIN; waits for the outcome. Call it from a thread of your own.
    public func keyed(reader: String, keys: String, timeout: TimeInterval = 10) -> Result<KeysOutcome, DaemonError> {
        let asked = DispatchTime.now().uptimeNanoseconds
        return ask(.keyed(reader: reader, keys: keys), timeout: timeout).flatMap { handled in
            switch handled.step.reply {
            case .decided(let request, let decision):
                metrics?.decided(decision, nanoseconds: DispatchTime.now().uptimeNanoseconds - asked)
                return .success(.decided(AccessOutcome(request: request, decision: decision, events: handled.stored)))
            case .pinTyping(_, let digits):
                return .success(.typing(digits: digits))
            case .companionWanted(let request, let decision):
                // The PIN completed the first of a pair: it waits for the second person.
                return .success(.decided(AccessOutcome(request: request, decision: decision, events: [])))
            case .unknownReader(let id):
                return .failure(unknownReader(id))
            case .refused(let why):
                return .failure(DaemonError(.request, why))
            default:
                preconditionFailure("keys complete a PIN (a decision, or the first of a pair), add to one, or are refused")
            }
        }
    }

    private func unknownReader(_ id: String) -> DaemonError {
        let known = configuration.readers.map(\.id).sorted().joined(separator: ", ")
        return DaemonError(.request, "no reader \"\(id)\" in the configuration; its readers: \(known.isEmpty ? "none" : known)")
    }

    /// Queues a remote command (open, mode, muster) for the access thread; `reply` is called on
    /// that thread once it is carried out and its events are stored. False when the queue is
    /// full or shutting down.
    public func submit(_ command: RemoteCommand, reply: @escaping @Sendable (Result<CommandOutcome, DaemonError>) -> Void) -> Bool {
        jobs.offer(Job(input: .command(command)) { handled in reply(Self.outcome(of: handled)) })
    }

    /// Asks the access thread for a mode change or a muster list, for `origin` (`cli:USER`),
    /// and waits for the stored events (none when the mode was already so). Call it from a
    /// thread of your own.
    public func request(_ request: LocalRequest, origin: String, timeout: TimeInterval = 10) -> Result<[StoredEvent], DaemonError> {
        let input: AccessInput =
            switch request {
            case .mode(let mode): .modeRequested(mode, origin: origin)
            case .muster: .musterRequested(origin: origin)
            }
        return ask(input, timeout: timeout).flatMap { handled in
            Self.outcome(of: handled).map { outcome in
                if case .carriedOut(let stored) = outcome { stored } else { [] }
            }
        }
    }

    /// An input changed (a door contact, an exit button, a rotation, a tamper switch, the fire
    /// alarm): queued for the access thread. Called on the GPIO port's thread.
    public func inputChanged(_ change: InputChange) {
        if !jobs.offer(Job(input: .inputChanged(change))) {
            logger.error("input change dropped: the access queue is full or shutting down", metadata: ["gpio.input": "\(change.input)"])
        }
    }

    /// Another device of the site mustered someone (contract 7.5): queued for the access
    /// thread, which counts it in the roll call. Called on the link's thread.
    public func remoteMustered(_ muster: RemoteMuster) {
        if !jobs.offer(Job(input: .remoteMustered(muster.occupant, device: muster.device, reader: muster.reader))) {
            logger.error("muster of another device dropped: the access queue is full or shutting down", metadata: ["muster.device": "\(muster.device)"])
        }
    }

    /// A bundle was applied to the cache, by the bundle thread or by another process: between
    /// two inputs (at once if the access thread is idle), the access thread moves its reader to
    /// the policy file in force and hands the machine the bundle it holds.
    public func cacheChanged() {
        pending.withLock { $0.policyChanged = true }
        _ = jobs.offer(Job(input: .tick))  // a wake-up; a full queue is woken anyway
    }

    /// Swaps the configuration the next inputs use, between two of them. The site, device and
    /// database cannot change while running; the caller checks that.
    public func reconfigure(_ config: GatehouseConfig, inviteKeys: TrustSet, secrets: DeviceSecrets = .none) {
        published.withLock { $0.config = config }
        let settings = AccessSettings(config: config, inviteKeys: inviteKeys, timeZones: timeZones, secrets: secrets)
        pending.withLock { $0.settings = settings }
        _ = jobs.offer(Job(input: .tick))
    }

    /// The bundle version and mode, for systemd's STATUS= line and the link's status.
    public var status: DeviceStatus { published.withLock { $0.status } }

    /// What each door is doing, by id, as of the access thread's last input.
    public var doorConditions: [String: DoorCondition] { published.withLock { $0.doors } }

    /// The configuration in force (or about to be, after a reload).
    public var configuration: GatehouseConfig { published.withLock { $0.config } }

    /// When the access thread last went round its loop, on the monotonic clock; the watchdog
    /// is fed only while this stays recent. Zero until it has started.
    var heartbeat: Int64 { lastBeat.load(ordering: .relaxed) }

    /// Queues an input and waits for its reply, at most `timeout` seconds.
    private func ask(_ input: AccessInput, timeout: TimeInterval) -> Result<Handled, DaemonError> {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Handled?>(nil)
        let accepted = jobs.offer(
            Job(input: input) { handled in
                result.withLock { $0 = handled }
                done.signal()
            })
        guard accepted else { return .failure(DaemonError(.busy, "the access queue is full or shutting down")) }
        guard done.wait(timeout: .now() + timeout) == .success, let handled = result.withLock({ $0 }) else {
            return .failure(DaemonError(.busy, "no answer within \(Int(timeout)) s"))
        }
        return .success(handled)
    }

    private static func outcome(of handled: Handled) -> Result<CommandOutcome, DaemonError> {
        switch handled.step.reply {
        case .unchanged:
            return .success(.unchanged)
        case .unknownDoor(let id):
            return .failure(DaemonError(.request, "no door \"\(id)\" in the configuration"))
        case .refused(let why):
            return .failure(DaemonError(.request, why))
        case .failed(let why):
            return .failure(DaemonError(.store, why))
        default:
            guard !handled.storeFailed else { return .failure(DaemonError(.store, "the events could not be stored")) }
            return .success(.carriedOut(handled.stored))
        }
    }

    private func run() {
        _ = carryOut(.started(software: software))
        while true {
            // A quarter of a second at most, so that doors hear the time often enough.
            switch jobs.next(timeout: 0.25) {
            case .element(let job):
                let handled = carryOut(job.input)
                job.reply?(handled)
            case .timedOut:
                _ = carryOut(.tick)
            case .closed:
                logger.info("access thread stopped")
                return
            }
        }
    }

    /// One input through the machine, and its step carried out; first what other threads left
    /// pending.
    private func carryOut(_ input: AccessInput) -> Handled {
        let (settings, policyChanged) = pending.withLock { pending in
            defer { pending = (nil, false) }
            return pending
        }
        if let settings { _ = step(.reconfigured(settings)) }
        if policyChanged { followPolicy() }
        return step(input)
    }

    /// Moves the reader to the policy file in force and tells the machine its bundle.
    private func followPolicy() {
        do {
            try policyReader.follow()
            _ = step(.bundleApplied(try policyReader.read { view in try view.appliedBundle() }))
        } catch {
            // Tried again before the next input, until it works.
            pending.withLock { $0.policyChanged = true }
            logger.error("cannot move to the bundle just applied; trying again", metadata: ["error.code": "\(error.code)", "error": "\(error.message)"])
        }
    }

    private func step(_ input: AccessInput) -> Handled {
        let moment = clock.moment()
        var result: AccessStep?
        do {
            try policyReader.read { view in result = machine.handle(input, at: moment, policy: view) }
        } catch {
            // The read transaction failed around the machine's work, or before it began.
            if result == nil { result = machine.handle(input, at: moment, policy: UnreadablePolicy(error: error)) }
        }
        guard let step = result else { preconditionFailure("the machine handled the input") }
        for output in step.outputs {
            switch output {
            case .pulse(let name, let milliseconds): outputs.pulse(name, milliseconds: milliseconds)
            case .hold(let name, let active): outputs.hold(name, active: active)
            case .signal(let reader, let signal): signals.withLock { $0[reader] }?.signal(signal)
            }
        }
        for note in step.notes { log(note) }
        var handled = Handled(step: step, stored: [], storeFailed: false)
        if step.storesSomething {
            do {
                handled.stored = try eventLog.commit(step.events, effects: step.effects)
                machine.stored(step)
                metrics?.stored(step.events)
            } catch {
                handled.storeFailed = true
                machine.notStored(step)
                logger.critical(
                    "events not stored", metadata: ["event.types": "\(step.events.map(\.type.rawValue))", "error.code": "\(error.code)", "error": "\(error.message)"])
            }
        }
        let status = machine.status(at: moment)
        let doors = machine.doorConditions
        published.withLock { ($0.status, $0.doors) = (status, doors) }
        lastBeat.store(max(1, clock.monotonic()), ordering: .relaxed)
        return handled
    }

    private func log(_ note: AccessNote) {
        logger.log(level: Logger.Level(note.level), "\(note.message)", metadata: note.metadata.mapValues { .string($0) })
    }
}
