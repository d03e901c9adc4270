import Foundation
import GatehouseCore
import GatehouseMQTT
import GatehouseStore
import GatehouseThreads
import Logging
import Synchronization

/// The device's link to its site broker (protocol sections 4 to 6), on a thread of its own.
///
/// Everything the link does happens on that thread, in the order its inputs arrive: the
/// client's events (connections, acknowledgements, messages), the event log's "stored", the
/// access thread's and the bundle thread's results. After each run of inputs it marks the
/// acknowledged events published and publishes what ``OutboxDrain`` asks for next. Once a
/// second it republishes a changed status and asks for a snapshot when the policy is stale.
// The link-thread state below (`drain`, `acknowledged`, the `last…` and `is…` fields) is read
// and written only by the link thread, which `thread` starts and joins; everything else is
// immutable or behind a Mutex. That is what makes sharing the link safe.
final class MQTTLink: @unchecked Sendable {
    /// What the link checks commands with; swapped whole when the configuration is reloaded.
    struct Settings: Sendable {
        var commandKeys: TrustSet
        var check: CommandCheck
        var clockSkewSeconds: Int64
    }

    let inputs: BlockingQueue<LinkInput>
    let topics: DeviceTopics
    let outbox: Outbox
    let replayMemory: CommandReplayMemory
    let database: GatehouseDatabase
    let controller: AccessController
    let logger: Logger
    let now: @Sendable () -> Timestamp
    let software: String
    let client: any BrokerPort
    /// The broker's URL, for the log.
    let brokerURL: String
    let bundles: BundleWorker
    private let settings: Mutex<Settings>
    private var thread: DedicatedThread?

    // Link-thread state.
    var drain: OutboxDrain
    private var acknowledged: [Int64] = []
    var isConnected = false
    private var everConnected = false
    private var connectFailures = 0
    private var lastStatus: DeviceStatus?
    private var staleRequestedVersion: Int64?
    private var offlineMessageID: Int32?
    private var isStopping = false

    /// A queue for ``init``'s `inputs`: large enough that no acknowledgement is ever refused.
    static func makeInputs() -> BlockingQueue<LinkInput> { BlockingQueue(capacity: 1 << 20) }

    /// The real client.
    static let libmosquitto: BrokerFactory = { options, handler in try MQTTClient(options: options, handler: handler) }

    /// The link of `config`, taking its inputs from `inputs`, where the event log also says "stored".
    init(config: GatehouseConfig, mqtt: MQTTConfig, password: String?, keys: (bundle: TrustSet, command: TrustSet), inputs: BlockingQueue<LinkInput>, database: GatehouseDatabase, eventLog: EventLog, controller: AccessController, software: String, logger: Logger, now: @escaping @Sendable () -> Timestamp, connect: BrokerFactory = MQTTLink.libmosquitto) throws(DaemonError) {
        self.inputs = inputs
        brokerURL = mqtt.url
        topics = DeviceTopics(site: config.site, device: config.device)
        outbox = Outbox(database: database)
        replayMemory = CommandReplayMemory(database: database)
        self.database = database
        self.controller = controller
        self.logger = logger
        self.now = now
        self.software = software
        drain = OutboxDrain(window: mqtt.window)
        settings = Mutex(Self.settings(config, commandKeys: keys.command))
        var options = MQTTClientOptions(clientID: mqtt.clientID ?? "gatehouse-\(config.site)-\(config.device)", host: mqtt.host, port: mqtt.port)
        options.keepaliveSeconds = mqtt.keepaliveSeconds
        options.protocolVersion = mqtt.protocolVersion
        options.username = mqtt.username
        options.password = password
        options.usesTLS = mqtt.usesTLS
        options.caFile = mqtt.caFile
        options.certificateFile = mqtt.certificateFile
        options.keyFile = mqtt.keyFile
        options.subscriptions = topics.subscriptions
        options.maximumInflight = min(mqtt.window + 16, 65_535)
        options.maximumReconnectDelaySeconds = mqtt.reconnectMaximumSeconds
        let status = controller.status
        options.will = .init(
            topic: topics.status, payload: Array(LinkMessage.status(online: false, at: now(), software: software, bundle: status.bundle, mode: status.mode).utf8),
            retain: true)
        let inputs = inputs
        do {
            client = try connect(options) { event in _ = inputs.offer(.client(event)) }
        } catch {
            throw DaemonError(.mqtt, "\(mqtt.url): \(error)")
        }
        bundles = BundleWorker(
            config: config, trust: keys.bundle, database: database, eventLog: eventLog, logger: logger, now: now,
            applied: { [controller] bundle in controller.bundleApplied(bundle) }, done: { report in _ = inputs.offer(.bundleDone(report)) })
    }

    static func settings(_ config: GatehouseConfig, commandKeys: TrustSet) -> Settings {
        let skew = Int64(config.policy.clockSkewSeconds)
        return Settings(
            commandKeys: commandKeys,
            check: CommandCheck(site: config.site, device: config.device, clockSkewSeconds: skew, doors: Set(config.doors.map(\.id))),
            clockSkewSeconds: skew)
    }

    var currentSettings: Settings { settings.withLock { $0 } }

    /// Takes a reloaded configuration's doors, skew and keys for the next commands and bundles.
    func reconfigure(_ config: GatehouseConfig, keys: (bundle: TrustSet, command: TrustSet)) {
        settings.withLock { $0 = Self.settings(config, commandKeys: keys.command) }
        bundles.reconfigure(trust: keys.bundle)
    }

    /// Starts the bundle thread, the link thread and the client's network thread.
    func start() {
        precondition(thread == nil, "the link starts once")
        bundles.start()
        thread = DedicatedThread(name: "gatehouse.link") { [self] in run() }
    }

    /// Publishes the offline status (waiting up to two seconds for the broker to take it),
    /// disconnects, and ends the threads. Call it after the access thread has stopped, so
    /// that the acks of its last commands go out.
    func stop() async {
        await bundles.stop()
        _ = inputs.offer(.stop)
        await thread?.join()
    }

    private func run() {
        client.start()
        logger.info("connecting to the broker", metadata: ["mqtt.url": "\(brokerURL)"])
        var nextTick = Date(timeIntervalSinceNow: 1)
        var stopDeadline: Date?
        while true {
            let wait = min(nextTick.timeIntervalSinceNow, stopDeadline?.timeIntervalSinceNow ?? 1)
            if case .element(let input) = inputs.next(timeout: max(0, wait)) {
                handle(input)
                // Take everything already queued before publishing: acks come in runs.
                while case .element(let more) = inputs.next(timeout: 0) { handle(more) }
            }
            if isStopping && stopDeadline == nil { stopDeadline = Date(timeIntervalSinceNow: 2) }
            pump()
            if let stopDeadline, offlineMessageID == nil || Date() >= stopDeadline { break }
            if Date() >= nextTick {
                nextTick = Date(timeIntervalSinceNow: 1)
                tick()
            }
        }
        client.stop(timeout: 5)
        inputs.close()
        logger.info("disconnected from the broker")
    }

    private func handle(_ input: LinkInput) {
        switch input {
        case .client(let event): handle(event)
        case .stored: drain.stored()
        case .commandDone(let command, let result): commandDone(command, result)
        case .bundleDone(let report): bundleDone(report)
        case .stop:
            isStopping = true
            if isConnected {
                let status = controller.status
                offlineMessageID = publish(
                    topics.status, LinkMessage.status(online: false, at: now(), software: software, bundle: status.bundle, mode: status.mode), retain: true)
            }
        }
    }

    private func handle(_ event: BrokerEvent) {
        switch event {
        case .connected(0):
            isConnected = true
            connectFailures = 0
            logger.info("connected to the broker", metadata: ["mqtt.url": "\(brokerURL)"])
            do {
                drain.connected(nextSeq: try outbox.nextSeq())
            } catch {
                // Publish anyway, all in one lane: seq order still holds, live events just do not overtake.
                logger.error("cannot read the outbox's next seq", metadata: ["error.code": "\(error.code)", "error": "\(error.message)"])
                drain.connected(nextSeq: 1)
            }
            publishStatus(force: true)
            if !everConnected {
                everConnected = true
                if case .success(nil) = appliedBundle() { requestSnapshot(.noPolicy) }
            }
        case .connected(let code):
            logger.error("the broker refused the connection", metadata: ["mqtt.code": "\(code)", "mqtt.reason": "\(client.describe(connectCode: code))"])
        case .connectFailed(let message):
            connectFailures += 1
            // Loud once per outage, quiet while it lasts.
            let level: Logger.Level = connectFailures == 1 ? .warning : .debug
            logger.log(level: level, "cannot reach the broker; retrying with back-off", metadata: ["mqtt.error": "\(message)", "mqtt.attempts": "\(connectFailures)"])
        case .disconnected(let code):
            let wasConnected = isConnected
            isConnected = false
            drain.disconnected()
            if wasConnected && !isStopping { logger.warning("connection to the broker lost; events wait in the outbox", metadata: ["mqtt.code": "\(code)"]) }
        case .acknowledged(let messageID):
            if let seq = drain.acknowledged(messageID: messageID) {
                acknowledged.append(seq)
            } else if messageID == offlineMessageID {
                offlineMessageID = nil
            }
        case .subscribed:
            break
        case .message(let topic, let payload, _):
            receive(topic: topic, payload: payload)
        }
    }

    /// Marks what the broker acknowledged, then publishes what the drain asks for.
    private func pump() {
        if !acknowledged.isEmpty {
            do {
                try outbox.markPublished(acknowledged, at: now())
                acknowledged.removeAll(keepingCapacity: true)
            } catch {
                // Kept for the next try; until then those events may be published again.
                logger.error("cannot mark events published", metadata: ["error.code": "\(error.code)", "error": "\(error.message)"])
            }
        }
        guard !isStopping else { return }
        while let fetch = drain.nextFetch() {
            let events: [StoredEvent]
            do {
                events = try outbox.unpublished(after: fetch.afterSeq, before: fetch.beforeSeq, limit: fetch.limit)
            } catch {
                logger.error("cannot read the outbox", metadata: ["error.code": "\(error.code)", "error": "\(error.message)"])
                drain.publishFailed()
                return
            }
            let send = Set(drain.accept(fetched: events.map(\.seq), for: fetch))
            for event in events where send.contains(event.seq) {
                guard let messageID = publish(topics.events(family: EventType.family(of: event.type)), event.payload) else {
                    drain.publishFailed()
                    return
                }
                drain.sent(seq: event.seq, messageID: messageID)
            }
        }
    }

    /// Once a second: a changed status, a stale policy, a failed publish to retry.
    private func tick() {
        guard isConnected, !isStopping else { return }
        if drain.isPaused, let next = try? outbox.nextSeq() { drain.retry(nextSeq: next) }
        publishStatus(force: false)
        guard case .success(let applied?) = appliedBundle(), let expires = applied.expires, now() >= expires,
            staleRequestedVersion != applied.version
        else { return }
        staleRequestedVersion = applied.version
        requestSnapshot(.policyStale)
    }

    private func publishStatus(force: Bool) {
        let status = controller.status
        guard force || status != lastStatus else { return }
        if publish(topics.status, LinkMessage.status(online: true, at: now(), software: software, bundle: status.bundle, mode: status.mode), retain: true) != nil {
            lastStatus = status
        }
    }

    func requestSnapshot(_ reason: LinkMessage.SnapshotReason) {
        let have = heldVersion
        logger.info("asking for a snapshot", metadata: ["bundle.request.reason": "\(reason.rawValue)", "bundle.version": "\(have.map(String.init) ?? "none")"])
        publish(topics.request, LinkMessage.snapshotRequest(have: have, reason: reason))
    }

    /// The bundle the cache holds (nil without a policy); a cache that cannot be read is logged
    /// and kept apart from "no policy", so that it never triggers a snapshot request.
    func appliedBundle() -> Result<AppliedBundle?, StoreError> {
        do {
            return .success(try database.appliedBundle())
        } catch {
            logger.error("cannot read the applied bundle", metadata: ["error.code": "\(error.code)", "error": "\(error.message)"])
            return .failure(error)
        }
    }

    /// The applied bundle's version, for acks and requests; nil without a policy or unreadable.
    var heldVersion: Int64? {
        if case .success(let applied) = appliedBundle() { applied?.version } else { nil }
    }

    /// Publishes at QoS 1; nil (logged) when libmosquitto refuses the message.
    @discardableResult
    func publish(_ topic: String, _ payload: String, retain: Bool = false) -> Int32? {
        do {
            return try client.publish(topic, Array(payload.utf8), retain: retain)
        } catch {
            logger.error("publish failed", metadata: ["mqtt.topic": "\(topic)", "error": "\(error)"])
            return nil
        }
    }
}
