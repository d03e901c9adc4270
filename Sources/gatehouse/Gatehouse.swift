import ArgumentParser
import Logging

/// The `gatehouse` executable: the daemon and the admin and field tools.
@main
struct Gatehouse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "Access control for gates, turnstiles and patrol checkpoints.",
        version: GatehouseVersion.software,
        subcommands: [
            RunCommand.self, SimulateCommand.self, EventsCommand.self, InitCommand.self, CheckConfigCommand.self,
            StatusCommand.self, ModeCommand.self, MusterCommand.self, PatrolCommand.self, KeysCommand.self, BundleCommand.self, TokenCommand.self, CommandCommand.self, NFCCommand.self, ScanImageCommand.self, VersionCommand.self,
        ])

    static func main() async {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
