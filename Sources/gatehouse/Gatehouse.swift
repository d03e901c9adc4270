import ArgumentParser
import GatehouseDaemon
import Logging

/// The `gatehouse` executable: the daemon and the admin and field tools.
@main
struct Gatehouse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "Access control for gates, turnstiles and patrol checkpoints.",
        discussion: """
            Exit status: 0 success; 1 refused or invalid input, with the reason on standard \
            error; 2 the environment failed (no daemon, a file that cannot be read, a full disk); \
            64 a usage error (an unknown option, a missing argument). `gatehouse --version` \
            prints the version; `gatehouse version` the libraries' too.
            """,
        subcommands: [
            RunCommand.self, SimulateCommand.self, EventsCommand.self, InitCommand.self, CheckConfigCommand.self,
            StatusCommand.self, ModeCommand.self, MusterCommand.self, PatrolCommand.self, KeysCommand.self, CardCommand.self, BundleCommand.self, TokenCommand.self, CommandCommand.self, NFCCommand.self, GPIOCommand.self, BackupCommand.self, RestoreCommand.self, ScanImageCommand.self, VersionCommand.self,
        ])

    func run() async throws {
        print(Self.helpMessage())
    }

    static func main() async {
        // `gatehouse --version` is answered here rather than by the configuration's `version:`,
        // which ArgumentParser would list in every subcommand's help too (beside `bundle build
        // --version`); a root flag would take `bundle build --version 7` for itself.
        if Array(CommandLine.arguments.dropFirst()) == ["--version"] {
            print(GatehouseVersion.software)
            return
        }
        // Under systemd, lines with their syslog priority for the journal; else readable lines.
        let journal = JournalLogHandler.standardErrorIsJournal()
        LoggingSystem.bootstrap { label in
            if journal { return JournalLogHandler(label: label, level: LogSettings.level, write: FileHandleOutput.standardError) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = LogSettings.level
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
