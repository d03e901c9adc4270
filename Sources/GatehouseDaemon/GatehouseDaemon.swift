import Foundation
import GatehouseCore
import GatehouseGPIO
import GatehouseStore
import GatehouseThreads
import Logging
import ServiceLifecycle
import UnixSignals

/// A daemon wired and ready to run: its service group and the parts tests reach in through.
public struct Daemon: Sendable {
    public let group: ServiceGroup
    public let controller: AccessController
    public let eventLog: EventLog
    public let controlSocket: String
    /// The configuration it was built with (its `database` as the dependencies placed it).
    public let config: GatehouseConfig
    /// The simulated GPIO backend's inputs, when the lines are simulated.
    public let simulatedInputs: (any InputSimulatorPort)?
    /// The state directory's lock, held for as long as the daemon is.
    let lock: StateLock
    /// The bundle thread.
    let bundles: BundleWorker

    /// Runs every service until shutdown (SIGTERM or SIGINT, or ``shutdown()``), then shuts
    /// them down in order.
    public func run() async throws {
        try await group.run()
    }

    /// Begins the graceful shutdown, as SIGTERM does.
    public func shutdown() async {
        await group.triggerGracefulShutdown()
    }

    /// Whether the access thread has started (stored `system.started`) and goes round.
    public var isReady: Bool { controller.heartbeat != 0 }
}

/// Wires the daemon of `config` with `dependencies`: opens the cache and the control socket,
/// claims the GPIO lines (a missing chip stops it here) and makes the services. Nothing runs
/// until the group does. `gatehouse run` and the tests both call it. Services stop in the
/// reverse order of their start: systemd hears STOPPING=1 first, then reloads stop, the control
/// socket closes, the readers' threads end (a command waiting on a reader is aborted), the
/// access thread finishes what is queued, the GPIO lines go to their safe states and are
/// released, the link acks the last commands and says offline, and the last checkpoint runs.
public func buildDaemon(config loaded: GatehouseConfig, dependencies: DaemonDependencies) throws(DaemonError) -> Daemon {
    var config = loaded
    if let database = dependencies.database { config.database = database }
    let logger = dependencies.logger
    let configPath = dependencies.configPath ?? "the configuration"
    // All three sets, read once and checked apart, whether or not the link runs.
    let keys = try DaemonFiles.keys(config, configPath: configPath)
    let lock: StateLock
    let database: GatehouseDatabase
    do {
        // One applier of bundles per state database: this daemon, from now on.
        guard let taken = try StateLock.take(forDatabase: config.database) else {
            throw DaemonError(.busy, "another gatehouse daemon is already running on \(config.database), or `gatehouse bundle apply` is applying a bundle to it (its lock, \(config.database).lock, is held)")
        }
        lock = taken
        database = try GatehouseDatabase(path: config.database, checkpoints: .background)
    } catch let error as DaemonError {
        throw error
    } catch {
        throw DaemonError(.store, "\(error)")
    }
    let simulatedGPIO = dependencies.gpio == nil && config.hardware.gpio == .simulated
        ? SimulatedGPIO(config: config, stateFile: SimulatedGPIO.stateFile(forDatabase: config.database), logger: logger) : nil
    let gpio: any GPIOPort = dependencies.gpio ?? simulatedGPIO ?? GPIODLines(config: config, logger: logger)
    // The event log wakes the link's publisher after every commit.
    let linkInputs = config.mqtt == nil ? nil : MQTTLink.makeInputs()
    let eventLog = EventLog(database: database, site: config.site, device: config.device) { _ = linkInputs?.offer(.stored) }
    let metrics = config.metrics.textfileDirectory == nil ? nil : DaemonMetrics(software: dependencies.software)
    let controller: AccessController
    let checkpointer: WALCheckpointer
    let floored: FlooredClock
    let clock: DaemonClock
    do {
        // No event dated, and no decision taken, before what the store knows (contract 7.4).
        floored = FlooredClock(
            dependencies.clock, skewSeconds: config.policy.clockSkewSeconds, startingAt: try database.clockFloor(),
            episode: try database.clockEpisode())
        clock = floored.clock
        // A bundle applied but not reported (a crash between a delta's commit and its event),
        // reported before the first decision; files a crash or a swap left, removed.
        let reconciler = BundleApplier(database: database, trust: keys.bundle, site: config.site, device: config.device, eventLog: eventLog, now: clock.wall)
        if let event = try reconciler.reportUnreported() {
            logger.notice("bundle applied earlier reported now", metadata: ["event.seq": "\(event.seq)"])
        }
        try database.removeUnusedPolicyFiles(includingLoading: true)
        // The policy file in force takes the migrations of this version (a column for PINs)
        // before the first decision reads it; only the holder of the lock may.
        _ = try database.openPolicy(forWriting: true)
        checkpointer = try WALCheckpointer(database)
        controller = try AccessController(
            config: config, inviteKeys: keys.invite, secrets: keys.secrets, database: database, eventLog: eventLog, outputs: gpio, software: dependencies.software,
            logger: logger, clock: clock, metrics: metrics)
    } catch {
        throw DaemonError(.store, error.description)
    }
    let bundles = BundleWorker(
        config: config, trust: keys.bundle, database: database, eventLog: eventLog, logger: logger, now: clock.wall,
        applied: { [controller, floored] manifest in
            floored.raise(to: manifest.issuedAt)
            controller.cacheChanged()
        })
    var link: MQTTLink?
    if let mqtt = config.mqtt, let linkInputs {
        link = try MQTTLink(
            config: config, mqtt: mqtt, password: try DaemonFiles.password(mqtt, configPath: configPath),
            commandKeys: keys.command, inputs: linkInputs, bundles: bundles, database: database, eventLog: eventLog,
            controller: controller, software: dependencies.software, logger: logger, clock: clock, metrics: metrics,
            connect: dependencies.broker ?? MQTTLink.libmosquitto)
    } else {
        logger.notice("no [mqtt] in the configuration: events stay in the outbox")
    }
    let panel = DaemonPanel(controller: controller, gpio: gpio, link: link, software: dependencies.software, clock: clock)
    let socketPath = ControlServer.path(forDatabase: config.database)
    // The socket first: it refuses to start beside another daemon, which holds the lines.
    let server = try ControlServer(
        path: socketPath, configPath: dependencies.configPath, controller: controller, panel: panel, bundles: bundles, simulatedGPIO: simulatedGPIO, group: config.control.group,
        logger: logger)
    do {
        try gpio.claim()
    } catch {
        throw DaemonError(.gpio, "\(error)")
    }
    let keeper = OutboxKeeper(database: database, eventLog: eventLog, config: config, logger: logger, now: clock.wall)
    let readers = try DaemonFiles.readerLoops(
        config, factory: dependencies.readers ?? DaemonDependencies.deviceReaders(config: config, secrets: keys.secrets, counters: SUNCounterStore(database: database), logger: logger), controller: controller, eventLog: eventLog, logger: logger,
        now: clock.wall, metrics: metrics)
    panel.attach(readers)
    let storage = StorageKeeper(database: database, eventLog: eventLog, config: config, logger: logger, now: clock.wall)
    let removal = DatabaseRemoval()
    var services: [any Service] = [
        MaintenanceService(checkpointer: checkpointer, keeper: keeper, storage: storage, eventLog: eventLog, now: clock.wall, removal: removal, logger: logger),
        BundleService(worker: bundles),
    ]
    if let link { services.append(LinkService(link: link)) }
    if let metrics, let directory = config.metrics.textfileDirectory {
        services.append(
            MetricsService(
                metrics: metrics, directory: directory, intervalSeconds: config.metrics.intervalSeconds, database: database, controller: controller, link: link,
                now: clock.wall, logger: logger))
    }
    services += [
        GPIOService(gpio: gpio, controller: controller),
        AccessService(controller: controller),
        ReaderService(loops: readers),
        ControlService(server: server),
    ]
    if dependencies.handlesSignals, let path = dependencies.configPath {
        services.append(ReloadService(configPath: path, running: config, controller: controller, link: link, bundles: bundles, clock: floored, logger: logger))
    }
    if dependencies.notifiesSystemd, let notifier = try SystemdNotifier.fromEnvironment() {
        services.append(NotifyService(notifier: notifier, controller: controller, logger: logger))
    }
    // The removal watch stops first and, when it returns by itself, shuts the group down in order.
    var configuration = ServiceGroupConfiguration(
        services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
            + [.init(service: DatabaseRemoval.Watch(removal: removal), successTerminationBehavior: .gracefullyShutdownGroup)],
        gracefulShutdownSignals: dependencies.handlesSignals ? [.sigterm, .sigint] : [], logger: logger)
    configuration.maximumGracefulShutdownDuration = .seconds(15)
    return Daemon(
        group: ServiceGroup(configuration: configuration), controller: controller, eventLog: eventLog, controlSocket: socketPath, config: config,
        simulatedInputs: simulatedGPIO, lock: lock, bundles: bundles)
}

/// The files the daemon reads beside its configuration.
enum DaemonFiles {
    /// The three trust sets of a configuration, each file read once.
    struct Keys {
        var invite: TrustSet
        var bundle: TrustSet
        var command: TrustSet
        /// The device secrets file's keys (the PIN key); none without `secrets`.
        var secrets: DeviceSecrets = .none
    }

    /// The three trust sets, checked apart (no key in two), their problems as a `daemon.config`
    /// error.
    static func keys(_ config: GatehouseConfig, configPath: String) throws(DaemonError) -> Keys {
        let sets: [KeyPurpose: TrustSet]
        do {
            sets = try ConfigFile.trustSets(config, configPath: configPath)
        } catch {
            throw DaemonError(.config, error.problems.map(\.description).joined(separator: "\n"))
        }
        guard let invite = sets[.invite], let bundle = sets[.bundle], let command = sets[.command] else {
            preconditionFailure("trustSets returns every purpose or throws")
        }
        let secrets: DeviceSecrets
        do {
            secrets = try ConfigFile.secrets(config, configPath: configPath)
        } catch {
            throw DaemonError(.config, error.problems.map(\.description).joined(separator: "\n"))
        }
        return Keys(invite: invite, bundle: bundle, command: command, secrets: secrets)
    }

    /// The broker password from `mqtt.password_file`: its first line.
    static func password(_ mqtt: MQTTConfig, configPath: String) throws(DaemonError) -> String? {
        guard let file = mqtt.passwordFile else { return nil }
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw DaemonError(.config, "\(configPath): mqtt.password_file: \(file): cannot read the file")
        }
        return String(text.prefix { $0 != "\n" && $0 != "\r" })
    }

    /// A thread for each reader the factory makes a port for.
    static func readerLoops(
        _ config: GatehouseConfig, factory: ReaderFactory, controller: AccessController, eventLog: EventLog, logger: Logger,
        now: @escaping @Sendable () -> Timestamp, metrics: DaemonMetrics?
    ) throws(DaemonError) -> [ReaderLoop] {
        let events = EventFactory(site: config.site, device: config.device)
        var loops: [ReaderLoop] = []
        for reader in config.readers {
            guard let port = try factory(reader) else { continue }
            let style: ReaderLoop.Style =
                switch reader.source {
                case .nfc(_, let poll): .badges(pollMilliseconds: poll)
                case .wiegand: .cards
                case .osdp: .osdpCards
                default: .codes
                }
            if let signals = port as? any ReaderSignalPort { controller.attach(signals, for: reader.id) }
            loops.append(
                ReaderLoop(reader: reader, port: port, style: style, controller: controller, eventLog: eventLog, events: events, logger: logger, now: now, metrics: metrics))
        }
        return loops
    }
}

extension Daemon {
    /// Hands the bundle file at `path` to the bundle thread, as `gatehouse bundle apply` does
    /// through the control socket (origin `local`), and returns at once: false when four are
    /// already waiting. `progress` and `done` (the control socket's reply) are called on the
    /// bundle thread. For the test harness and the benchmarks.
    public func submitBundle(
        _ path: String, progress: @escaping @Sendable (BundleProgress) -> Void = { _ in }, done: @escaping @Sendable (JSONObject) -> Void
    ) -> Bool {
        bundles.submit(BundleWorker.Job(source: .file(path), origin: .local, label: "harness", progress: progress) { report in done(ControlRequest.reply(report)) })
    }
}
