import Foundation
import GatehouseCore
import GatehouseGPIO
import GatehouseNFC
import GatehouseQR
import GatehouseStore
import GatehouseThreads
import Logging
import ServiceLifecycle
import UnixSignals

/// The daemon, wired from its configuration: `gatehouse run` builds it and runs the group.
public enum GatehouseDaemon {
    /// The parts a running daemon is made of; tests and the demo reach in through these.
    public struct Parts: Sendable {
        public var group: ServiceGroup
        public var controller: AccessController
        public var controlSocket: String

        /// Runs every service until SIGTERM or SIGINT, then shuts them down in order.
        public func run() async throws {
            try await group.run()
        }
    }

    /// Opens the cache and the control socket, claims the GPIO lines (a missing chip stops it
    /// here) and wires the services. Nothing runs until the group does. Services stop in the
    /// reverse order: systemd hears STOPPING=1 first, then reloads stop, the control socket
    /// closes, the readers' threads end (a command waiting on a reader is aborted), the access
    /// thread finishes what is queued, the GPIO lines go to their safe states and are released,
    /// the link acks the last commands and says offline, and the last checkpoint runs.
    /// `gpio` replaces the lines the configuration names, for benchmarks that time the relays.
    public static func build(
        configPath: String, software: String, logger: Logger, clock: DaemonClock = .system, gpio injected: (any GPIOPort)? = nil
    ) throws(DaemonError) -> Parts {
        let (config, inviteKeys) = try ConfigFile.loadForDaemon(configPath)
        let now = clock.wall
        let database: GatehouseDatabase
        do {
            database = try GatehouseDatabase(path: config.database, checkpoints: .background)
        } catch {
            throw DaemonError(.store, error.description)
        }
        let simulatedGPIO = injected == nil && config.hardware.gpio == .simulated
            ? SimulatedGPIO(config: config, stateFile: SimulatedGPIO.stateFile(forDatabase: config.database), logger: logger) : nil
        let gpio: any GPIOPort = injected ?? simulatedGPIO ?? GPIODLines(config: config, logger: logger)
        // The event log wakes the link's publisher after every commit.
        let linkInputs = config.mqtt == nil ? nil : MQTTLink.makeInputs()
        let eventLog = EventLog(database: database, site: config.site, device: config.device) { _ = linkInputs?.offer(.stored) }
        let controller: AccessController
        let checkpointer: WALCheckpointer
        do {
            checkpointer = try WALCheckpointer(database)
            controller = try AccessController(
                config: config, inviteKeys: inviteKeys, database: database, eventLog: eventLog, outputs: gpio, software: software,
                logger: logger, clock: clock)
        } catch {
            throw DaemonError(.store, error.description)
        }
        var link: MQTTLink?
        if let mqtt = config.mqtt, let linkInputs {
            link = try MQTTLink(
                config: config, mqtt: mqtt, password: try password(mqtt, configPath: configPath), keys: try linkKeys(config, configPath: configPath),
                inputs: linkInputs, database: database, eventLog: eventLog, controller: controller, software: software, logger: logger, now: now)
        } else {
            logger.notice("no [mqtt] in the configuration: events stay in the outbox")
        }
        let socketPath = ControlServer.path(forDatabase: config.database)
        // The socket first: it refuses to start beside another daemon, which holds the lines.
        let server = try ControlServer(path: socketPath, configPath: configPath, controller: controller, simulatedGPIO: simulatedGPIO, group: config.control.group, logger: logger)
        do {
            try gpio.claim()
        } catch {
            throw DaemonError(.gpio, "\(error)")
        }
        let keeper = OutboxKeeper(database: database, eventLog: eventLog, config: config, logger: logger, now: now)
        let readers = try readerLoops(config, controller: controller, eventLog: eventLog, logger: logger, now: now)
        var services: [any Service] = [MaintenanceService(checkpointer: checkpointer, keeper: keeper, logger: logger)]
        if let link { services.append(LinkService(link: link)) }
        services += [
            GPIOService(gpio: gpio, controller: controller),
            AccessService(controller: controller),
            ReaderService(loops: readers),
            ControlService(server: server),
            ReloadService(configPath: configPath, running: config, controller: controller, link: link, logger: logger),
        ]
        if let notifier = try SystemdNotifier.fromEnvironment() {
            services.append(NotifyService(notifier: notifier, controller: controller, logger: logger))
        }
        var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(15)
        return Parts(group: ServiceGroup(configuration: configuration), controller: controller, controlSocket: socketPath)
    }

    /// The bundle and command keys the link verifies with.
    static func linkKeys(_ config: GatehouseConfig, configPath: String) throws(DaemonError) -> (bundle: TrustSet, command: TrustSet) {
        do {
            return (try ConfigFile.trust(config, .bundle, configPath: configPath), try ConfigFile.trust(config, .command, configPath: configPath))
        } catch {
            throw DaemonError(.config, error.problems.map(\.description).joined(separator: "\n"))
        }
    }

    /// The broker password from `mqtt.password_file`: its first line.
    private static func password(_ mqtt: MQTTConfig, configPath: String) throws(DaemonError) -> String? {
        guard let file = mqtt.passwordFile else { return nil }
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw DaemonError(.config, "\(configPath): mqtt.password_file: \(file): cannot read the file")
        }
        return String(text.prefix { $0 != "\n" && $0 != "\r" })
    }

    /// A thread for each NFC reader, scanner and camera.
    private static func readerLoops(
        _ config: GatehouseConfig, controller: AccessController, eventLog: EventLog, logger: Logger, now: @escaping @Sendable () -> Timestamp
    ) throws(DaemonError) -> [ReaderLoop] {
        var context: NFCContext?
        var loops: [ReaderLoop] = []
        let events = EventFactory(site: config.site, device: config.device)
        for reader in config.readers {
            let port: any CredentialReaderPort
            var style = ReaderLoop.Style.codes
            switch reader.source {
            case .simulated:
                continue
            case .nfc(let connection, let poll):
                if context == nil {
                    do { context = try NFCContext() } catch { throw DaemonError(.nfc, error.message) }
                }
                guard let context else { continue }
                port = NFCBadgeReader(context: context, connection: connection)
                style = .badges(pollMilliseconds: poll)
            case .serial(let device, let baudRate, let terminator):
                port = SerialScanner(device: device, baudRate: baudRate, terminator: terminator)
            case .keyboard(let device, let layout):
                port = KeyboardWedgeScanner(device: device, layout: layout)
            case .camera(let device, let settings):
                let camera = V4L2Camera(device: device, width: settings.width, height: settings.height, framesPerSecond: settings.framesPerSecond)
                port = CameraReader(source: camera, settings: settings)
            case .simulatedCamera(let frames, let settings):
                port = CameraReader(source: SimulatedCamera(directory: frames, framesPerSecond: settings.framesPerSecond), settings: settings)
            }
            loops.append(ReaderLoop(reader: reader, port: port, style: style, controller: controller, eventLog: eventLog, events: events, logger: logger, now: now))
        }
        return loops
    }
}
