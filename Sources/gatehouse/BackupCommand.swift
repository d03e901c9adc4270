import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseDaemon
import GatehouseStore

/// `gatehouse backup OUT`: the state database and the policy file in force, copied with
/// SQLite's online backup (the daemon may be running), into the new directory OUT.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Back up the device's state (events, runtime state, the policy in force) into a new directory.",
        discussion: """
            Consistent while the daemon runs: each database is copied with SQLite's online backup. \
            OUT (mode 0700: it holds people and events) gets the two database files and \
            backup.json with their SHA-256. Restore it with `gatehouse restore`. Exit status: 0 \
            done; 1 OUT exists or the configuration has problems; 2 a file cannot be read or written.
            """)

    @OptionGroup var configOption: ConfigOption
    @Argument(help: "The directory to create.") var out: String

    func run() async throws {
        try await failing {
            let settings = try ControlReply.loadConfig(configOption.path)
            guard !FileManager.default.fileExists(atPath: out) else { throw CLIFailure.refused("\(out) exists already: a backup goes into a new directory") }
            let manifest: StateBackup.Manifest
            do throws(StoreError) {
                manifest = try StateBackup.make(
                    database: settings.database, into: out, site: settings.site, device: settings.device, software: GatehouseVersion.software,
                    now: WallClock.now()) { file in printError("copying \(file)…") }
            } catch {
                throw error.code == .backup ? CLIFailure.refused(error.message) : CLIFailure.environment(error.message)
            }
            chmod(out, 0o700)
            let policy = manifest.policyFile.map { "the policy file \($0) (bundle \(manifest.bundleVersion.map(String.init) ?? "?"))" } ?? "no policy (no bundle applied yet)"
            print("backup of \(manifest.site)/\(manifest.device) in \(out): the state database (next seq \(manifest.nextSeq)) and \(policy)")
        }
    }
}
