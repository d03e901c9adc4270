import GatehouseCore
import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the configuration on SIGHUP: parse, validate, plan, swap. A file with problems keeps
/// the running configuration, and each problem is logged. The invite, bundle and command keys
/// are read again too. What each change does is the core's ``ReloadPlan``: a change it refuses
/// (the site, device or database, the GPIO lines, `[control]`) refuses the whole file the same
/// way; one that needs a restart is logged and kept as it runs; the rest applies between two
/// inputs of the access machine.
struct ReloadService: Service {
    let configPath: String
    let running: GatehouseConfig
    let controller: AccessController
    let link: MQTTLink?
    let bundles: BundleWorker
    let clock: FlooredClock
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
        let config = try ConfigFile.loadForDaemonConfig(configPath)
        let keys = try DaemonFiles.keys(config, configPath: configPath)
        let plan = ReloadPlan(running: current, loaded: config)
        let refused = plan.changes.filter { $0.verdict == .refused }
        guard refused.isEmpty else {
            throw DaemonError(.config, refused.map { "\(configPath): \($0.key): cannot change while the daemon runs (\($0.reason))" }.joined(separator: "\n"))
        }
        // The parts that need a restart stay as they run, in every part of the daemon.
        let effective = plan.effective(running: current, loaded: config)
        link?.reconfigure(effective, commandKeys: keys.command)
        bundles.reconfigure(trust: keys.bundle)
        controller.reconfigure(effective, inviteKeys: keys.invite, secrets: keys.secrets)
        clock.setSkew(seconds: effective.policy.clockSkewSeconds)
        for change in plan.changes where change.verdict == .needsRestart {
            logger.warning("config change takes effect when the daemon restarts", metadata: ["config.file": "\(configPath)", "config.key": "\(change.key)", "config.reason": "\(change.reason)"])
        }
        logger.info("config reloaded", metadata: ["config.file": "\(configPath)", "config.changes": "\(plan.changes.count)"])
        return effective
    }
}
