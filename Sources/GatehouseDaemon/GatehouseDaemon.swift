import GatehouseCore
import GatehouseGPIO
import GatehouseStore
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

    /// Opens the cache and the control socket and wires the services. Nothing runs until the
    /// group does. Services stop in the reverse order: systemd hears STOPPING=1 first, then
    /// reloads stop, the control socket closes, the access thread finishes what is queued, and
    /// the last checkpoint runs.
    public static func build(configPath: String, software: String, logger: Logger, now: @escaping @Sendable () -> Timestamp = WallClock.now) throws(DaemonError) -> Parts {
        let (config, inviteKeys) = try ConfigFile.loadForDaemon(configPath)
        let database: GatehouseDatabase
        do {
            database = try GatehouseDatabase(path: config.database, checkpoints: .background)
        } catch {
            throw DaemonError(code: "daemon.store", message: error.description)
        }
        let outputs = try outputs(for: config, logger: logger)
        for reader in config.readers where reader.source != .simulated {
            logger.warning(
                "reader not started: this build drives simulated readers only", metadata: ["gate.reader": "\(reader.id)", "reader.type": "\(reader.source)"])
        }
        let controller: AccessController
        let checkpointer: WALCheckpointer
        do {
            checkpointer = try WALCheckpointer(database)
            controller = try AccessController(
                config: config, inviteKeys: inviteKeys, database: database, outputs: outputs, software: software,
                logger: logger, now: now)
        } catch {
            throw DaemonError(code: "daemon.store", message: error.description)
        }
        let socketPath = ControlServer.path(forDatabase: config.database)
        let inputs = config.hardware.gpio == .simulated ? SimulatedInputs(logger: logger) : nil
        let server = try ControlServer(path: socketPath, controller: controller, inputs: inputs, logger: logger)
        var services: [any Service] = [
            CheckpointService(checkpointer: checkpointer, logger: logger),
            AccessService(controller: controller),
            ControlService(server: server),
            ReloadService(configPath: configPath, running: config, controller: controller, logger: logger),
        ]
        if let notifier = try SystemdNotifier.fromEnvironment() {
            services.append(NotifyService(notifier: notifier, controller: controller, logger: logger))
        }
        var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(15)
        return Parts(group: ServiceGroup(configuration: configuration), controller: controller, controlSocket: socketPath)
    }

    private static func outputs(for config: GatehouseConfig, logger: Logger) throws(DaemonError) -> any OutputPort {
        switch config.hardware.gpio {
        case .simulated:
            return SimulatedOutputs(logger: logger)
        case .gpiod:
            throw DaemonError(code: "daemon.config", message: "hardware.gpio = \"gpiod\" is not available in this build yet; use \"simulated\"")
        }
    }
}
