import GatehouseCore
import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the configuration on SIGHUP: parse, validate, swap. A file with problems keeps the
/// running configuration, and each problem is logged. The invite, bundle and command keys
/// are read again too. The site, device and database, the GPIO lines (`[hardware]`,
/// `[outputs]`, `[inputs]`, which are claimed at start with the safe states the doors' fail
/// modes give them) and `[control]` (the socket's group) cannot change while running; a file
/// that changes them is refused the same way. Doors and readers may change.
struct ReloadService: Service {
    let configPath: String
    let running: GatehouseConfig
    let controller: AccessController
    let link: MQTTLink?
    let logger: Logger

    func run() async throws {
        var current = running
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            do {
                current = try reload(over: current)
            } catch {
                logger.error("config reload refused; keeping the running configuration", metadata: ["config.file": "\(configPath)", "error.code": "\(error.code)"])
                for line in error.message.split(separator: "\n") {
                    logger.error("config problem", metadata: ["config.problem": "\(line)"])
                }
            }
        }
    }

    private func reload(over current: GatehouseConfig) throws(DaemonError) -> GatehouseConfig {
        let loaded = try ConfigFile.loadForDaemon(configPath)
        let fixed: [(String, Bool)] = [
            ("site", loaded.config.site == current.site), ("device", loaded.config.device == current.device),
            ("database", loaded.config.database == current.database), ("hardware", loaded.config.hardware == current.hardware),
            ("outputs (or a door's fail_mode)", loaded.config.outputs == current.outputs), ("inputs", loaded.config.inputs == current.inputs),
            ("control", loaded.config.control == current.control),
        ]
        let changed = fixed.filter { !$0.1 }.map { "\(configPath): \($0.0): cannot change while the daemon runs; restart it" }
        guard changed.isEmpty else { throw DaemonError(.config, changed.joined(separator: "\n")) }
        if let link { link.reconfigure(loaded.config, keys: try GatehouseDaemon.linkKeys(loaded.config, configPath: configPath)) }
        controller.reconfigure(loaded.config, inviteKeys: loaded.inviteKeys)
        if loaded.config.mqtt != current.mqtt || loaded.config.outbox != current.outbox {
            logger.warning("changes to [mqtt] and [outbox] take effect when the daemon restarts", metadata: ["config.file": "\(configPath)"])
        }
        logger.info("config reloaded", metadata: ["config.file": "\(configPath)", "config.readers": "\(loaded.config.readers.count)"])
        return loaded.config
    }
}
