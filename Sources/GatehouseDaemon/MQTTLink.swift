import Foundation
import GatehouseCore
import GatehouseMQTT
import GatehouseStore
import GatehouseThreads
import Logging
import Synchronization

/// The device's link to its site broker (protocol sections 4 to 6), on a thread of its own: the
/// executor of the core's ``LinkMachine``.
///
/// Everything the link does happens on that thread, in the order its inputs arrive: the
/// client's events (connections, acknowledgements, messages), the event log's "stored", the
/// access thread's and the bundle thread's results. Each goes to the machine, and the link does
/// what it says. After each run of inputs it marks the acknowledged events published and
/// publishes what the drain asks for next. Once a second (on the monotonic clock) the machine
/// hears the access path's status: a changed one is republished, a stale policy asks for a
/// snapshot. The link reads the bundle in force from the access path, never from the database.
// `machine` is read and written only by the link thread, which `thread` starts and joins;
// everything else is immutable or behind a Mutex. That is what makes sharing the link safe.
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
    let controller: AccessController
    let logger: Logger
    let clock: DaemonClock
    private let metrics: DaemonMetrics?
    let software: String
    let client: any BrokerPort
    /// The broker's URL, for the log.
    let brokerURL: String
    let bundles: BundleWorker
    private let settings: Mutex<Settings>
    /// The link as `gatehouse status` shows it.
    private let shown = Mutex(Shown())

    /// What `gatehouse status` shows of the link.
    struct Shown: Sendable {
        /// `connecting`, `connected`, `disconnected` or `refused`.
        var state = "connecting"
        /// Since when the state has held.
        var since: Timestamp?
        /// Connections the broker accepted since the daemon started.
        var connections = 0
        /// Why the last attempt or connection failed.
        var lastError: String?
    }

    /// The link now.
    var health: Shown { shown.withLock { $0 } }

    private func show(_ state: String, error: String? = nil) {
        let time = clock.wall()
        shown.withLock { shown in
            if shown.state != state { (shown.state, shown.since) = (state, time) }
            if state == "connected" { shown.connections += 1 }
            if let error { shown.lastError = error }
        }
    }
    private var thread: DedicatedThread?

    /// Link-thread state.
    private var machine: LinkMachine

    /// A queue for ``init``'s `inputs`: large enough that no acknowledgement is ever refused.
    static func makeInputs() -> BlockingQueue<LinkInput> { BlockingQueue(capacity: 1 << 20) }

    /// The real client.
    static let libmosquitto: BrokerFactory = { options, handler in try MQTTClient(options: options, handler: handler) }

    /// The link of `config`, taking its inputs from `inputs`, where the event log also says "stored".
    init(config: GatehouseConfig, mqtt: MQTTConfig, password: String?, commandKeys: TrustSet, inputs: BlockingQueue<LinkInput>, bundles: BundleWorker, database: GatehouseDatabase, eventLog: EventLog, controller: AccessController, software: String, logger: Logger, clock: DaemonClock, metrics: DaemonMetrics? = nil, connect: BrokerFactory = MQTTLink.libmosquitto) throws(DaemonError) {
        self.inputs = inputs
        self.metrics = metrics
        brokerURL = mqtt.url
        topics = DeviceTopics(site: config.site, device: config.device)
        outbox = Outbox(database: database)
        replayMemory = CommandReplayMemory(database: database)
        self.controller = controller
        self.logger = logger
        self.clock = clock
        self.software = software
        machine = LinkMachine(window: mqtt.window, status: controller.status, protocolVersion: mqtt.protocolVersion)
        settings = Mutex(Self.settings(config, commandKeys: commandKeys))
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
            topic: topics.status, payload: Array(LinkMessage.status(online: false, at: clock.wall(), software: software, bundle: status.bundle, mode: status.mode, clockSuspect: status.clockSuspect).utf8),
            retain: true)
        let inputs = inputs
        do {
            client = try connect(options) { event in _ = inputs.offer(.client(event)) }
        } catch {
            throw DaemonError(.mqtt, "\(mqtt.url): \(error)")
        }
        self.bundles = bundles
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
    func reconfigure(_ config: GatehouseConfig, commandKeys: TrustSet) {
        settings.withLock { $0 = Self.settings(config, commandKeys: commandKeys) }
    }

    /// Starts the bundle thread, the link thread and the client's network thread.
    func start() {
        precondition(thread == nil, "the link starts once")
        thread = DedicatedThread(name: "gatehouse.link") { [self] in run() }
    }

    /// Publishes the offline status (waiting up to two seconds for the broker to take it),
    /// disconnects, and ends the threads. Call it after the access thread has stopped, so
    /// that the acks of its last commands go out.
    func stop() async {
        _ = inputs.offer(.stop)
        await thread?.join()
    }

    private func run() {
        client.start()
        logger.info("connecting to the broker", metadata: ["mqtt.url": "\(brokerURL)"])
        var nextTick = clock.monotonic() + 1000
        var stopDeadline: Int64?
        while true {
            let wait = min(nextTick, stopDeadline ?? nextTick) - clock.monotonic()
            if case .element(let input) = inputs.next(timeout: Double(max(0, wait)) / 1000) {
                handle(input)
                // Take everything already queued before publishing: acks come in runs.
                while case .element(let more) = inputs.next(timeout: 0) { handle(more) }
            }
            if machine.isStopping && stopDeadline == nil { stopDeadline = clock.monotonic() + 2000 }
            pump()
            if let stopDeadline, machine.offlineMessageID == nil || clock.monotonic() >= stopDeadline { break }
            if clock.monotonic() >= nextTick {
                nextTick = clock.monotonic() + 1000
                let nextSeq = machine.drain.isPaused ? try? outbox.nextSeq() : nil
                carryOut(machine.handle(.tick(controller.status, nextSeq: nextSeq, at: clock.monotonic())))
            }
        }
        client.stop(timeout: 5)
        inputs.close()
        logger.info("disconnected from the broker")
    }

    private func handle(_ input: LinkInput) {
        switch input {
        case .client(let event): handle(event)
        case .stored: carryOut(machine.handle(.stored))
        case .commandDone(let command, let result): commandDone(command, result)
        case .bundleDone(let report): bundleDone(report)
        case .stop: carryOut(machine.handle(.stop(controller.status)))
        }
    }

    private func handle(_ event: BrokerEvent) {
        switch event {
        case .connected(0):
            let nextSeq: Int64
            do {
                nextSeq = try outbox.nextSeq()
            } catch {
                // Publish anyway, all in one lane: seq order still holds, live events just do not overtake.
                logger.error("cannot read the outbox's next seq", metadata: ["error.code": "\(error.code)", "error": "\(error.message)"])
                nextSeq = 1
            }
            show("connected")
            metrics?.connected()
            carryOut(machine.handle(.connected(nextSeq: nextSeq)))
        case .connected(let code):
            show("refused", error: client.describe(connectCode: code))
            logger.error("the broker refused the connection", metadata: ["mqtt.code": "\(code)", "mqtt.reason": "\(client.describe(connectCode: code))"])
        case .connectSent:
            show("connecting")
            carryOut(machine.handle(.connectSent(at: clock.monotonic())))
        case .connectFailed(let message):
            show("connecting", error: message)
            carryOut(machine.handle(.connectFailed(message: message)))
        case .disconnected(let code):
            // The drop that follows a refused CONNACK keeps the refusal on show.
            if health.state != "refused" {
                show(code == 0 ? "disconnected" : "connecting", error: code == 0 ? nil : client.describe(disconnectCode: code))
            }
            carryOut(machine.handle(.disconnected(code: code, reason: client.describe(disconnectCode: code))))
        case .acknowledged(let messageID):
            carryOut(machine.handle(.acknowledged(messageID: messageID)))
        case .publishRefused(let messageID, let code):
            let reason = client.describe(reasonCode: code)
            shown.withLock { $0.lastError = "the broker refused a message: \(reason)" }
            carryOut(machine.handle(.refused(messageID: messageID, reason: reason, at: clock.monotonic())))
        case .subscriptionRefused(let filter):
            shown.withLock { $0.lastError = "the broker refused the subscription to \(filter)" }
            logger.error(
                "the broker refused a subscription: nothing sent to it reaches this device", metadata: [
                    "mqtt.filter": "\(filter)", "mqtt.url": "\(brokerURL)",
                    "mqtt.hint": "the broker's ACL must let this device read its own and its site's topics (docs/fleet.md)",
                ])
        case .subscribed:
            break
        case .message(let topic, let payload, _):
            receive(topic: topic, payload: payload)
        }
    }

    /// Does what the machine said.
    private func carryOut(_ actions: [LinkMachine.Action]) {
        for action in actions {
            switch action {
            case .publishStatus(let status, let online):
                let id = publish(
                    topics.status, LinkMessage.status(online: online, at: clock.wall(), software: software, bundle: status.bundle, mode: status.mode, clockSuspect: status.clockSuspect),
                    retain: true)
                machine.statusPublished(status, online: online, messageID: id)
            case .requestSnapshot(let reason, let have):
                logger.info("asking for a snapshot", metadata: ["bundle.request.reason": "\(reason.rawValue)", "bundle.version": "\(have.map(String.init) ?? "none")"])
                publish(topics.request, LinkMessage.snapshotRequest(have: have, reason: reason))
            case .log(let note):
                var metadata: Logger.Metadata = note.metadata.mapValues { .string($0) }
                metadata["mqtt.url"] = "\(brokerURL)"
                logger.log(level: Logger.Level(note.level), "\(note.message)", metadata: metadata)
            }
        }
    }

    /// Marks what the broker acknowledged, then publishes what the drain asks for.
    private func pump() {
        if !machine.acknowledgedSeqs.isEmpty {
            do {
                try outbox.markPublished(machine.acknowledgedSeqs, at: clock.wall())
                machine.marked()
            } catch {
                // Kept for the next try; until then those events may be published again.
                logger.error("cannot mark events published", metadata: ["error.code": "\(error.code)", "error": "\(error.message)"])
            }
        }
        while let fetch = machine.nextFetch() {
            let events: [StoredEvent]
            do {
                events = try outbox.unpublished(after: fetch.afterSeq, before: fetch.beforeSeq, limit: fetch.limit)
            } catch {
                logger.error("cannot read the outbox", metadata: ["error.code": "\(error.code)", "error": "\(error.message)"])
                machine.publishFailed()
                return
            }
            let send = Set(machine.accept(fetched: events.map(\.seq), for: fetch))
            for event in events where send.contains(event.seq) {
                guard let messageID = publish(topics.events(family: EventType.family(of: event.type)), event.payload) else {
                    machine.publishFailed()
                    return
                }
                machine.sent(seq: event.seq, messageID: messageID)
            }
        }
    }

    /// Asks the platform for a snapshot (a `resync` command, a delta that did not fit).
    func requestSnapshot(_ reason: LinkMessage.SnapshotReason) {
        carryOut([.requestSnapshot(reason, have: heldVersion)])
    }

    /// The version the cache holds, as the access path says: for acks and requests.
    var heldVersion: Int64? { controller.status.bundle }

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
