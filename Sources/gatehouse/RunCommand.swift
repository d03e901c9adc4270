import ArgumentParser
import GatehouseCore
import GatehouseDaemon
import GatehouseNFC
import Logging

/// `gatehouse run`: the daemon.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the daemon: decide at the readers, open the doors, store the events.",
        discussion: "SIGTERM or SIGINT stops it in order; SIGHUP reloads the configuration. Under systemd it reports READY=1, STATUS=, WATCHDOG=1 and STOPPING=1.")

    @OptionGroup var configOption: ConfigOption
    var config: String { configOption.path }
    @Option(help: "The least severe level logged: trace, debug, info, notice, warning, error or critical; default: [log] level, else info.") var logLevel: GatehouseConfig.Log.Level?

    func run() async throws {
        try await failing {
            let daemon: Daemon
            do throws(DaemonError) {
                // buildDaemon reads and checks the trust files, once.
                let settings = try ConfigFile.loadForDaemonConfig(config)
                LogSettings.level = Logger.Level(rawValue: (logLevel ?? settings.log.level).rawValue) ?? .info
                let logger = Logger(label: "gatehouse")
                LibNFCLog.forward(to: Logger(label: "libnfc"))
                daemon = try buildDaemon(config: settings, dependencies: DaemonDependencies(software: GatehouseVersion.software, logger: logger, configPath: config))
            } catch {
                throw error.code == .config ? CLIFailure.refused(error.message) : CLIFailure.environment(error.description)
            }
            do {
                try await daemon.run()
            } catch {
                await LibNFCLog.stop()
                throw CLIFailure.environment("the daemon stopped on an error: \(error)")
            }
            await LibNFCLog.stop()
        }
    }
}

extension GatehouseConfig.Log.Level: ExpressibleByArgument {}
