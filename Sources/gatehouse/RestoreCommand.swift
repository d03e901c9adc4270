import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseDaemon
import GatehouseStore

/// `gatehouse restore IN`: a backup put back in place of the device's state, with the daemon
/// stopped, never letting `seq` go back.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Restore a backup made by `gatehouse backup` (the daemon stopped).",
        discussion: """
            The backup must be this device's, and whole (SHA-256 and SQLite's integrity check). \
            Event numbers never go back: the restored device continues from the current \
            database's seq (its events newer than the backup are carried over), or, with no \
            current database (a new disk), from --next-seq: one more than the last seq the \
            platform received from this device. The replaced files are moved into \
            before-restore-TIME/ in the state directory. Exit status: 0 restored; 1 refused (the \
            daemon runs, another device's or a damaged backup, no way to keep seq); 2 a file \
            cannot be read or written.
            """)

    @OptionGroup var configOption: ConfigOption
    @Argument(help: "The backup's directory.") var backup: String
    @Option(help: "The seq the next event takes at least: one more than the last the platform received from this device.") var nextSeq: Int64?

    func validate() throws {
        if let nextSeq, nextSeq < 1 { throw ValidationError("--next-seq must be at least 1, got \(nextSeq)") }
    }

    func run() async throws {
        try await failing {
            let settings = try ControlReply.loadConfig(configOption.path)
            let lock: StateLock?
            do { lock = try StateLock.take(forDatabase: settings.database) } catch { throw CLIFailure.environment("\(error)") }
            guard let lock else {
                throw CLIFailure.refused("the daemon is running on \(settings.database) (its lock is held): stop it first (systemctl stop gatehouse), then restore")
            }
            defer { withExtendedLifetime(lock) {} }
            let restored: StateBackup.Restored
            do throws(StoreError) {
                restored = try StateBackup.restore(
                    from: backup, database: settings.database, site: settings.site, device: settings.device, nextSeqAtLeast: nextSeq, now: WallClock.now())
            } catch {
                throw error.code == .backup ? CLIFailure.refused(error.message) : CLIFailure.environment(error.message)
            }
            let manifest = restored.manifest
            print("restored \(manifest.site)/\(manifest.device) from \(backup) (made \(manifest.createdAt.rfc3339) by \(manifest.software), bundle \(manifest.bundleVersion.map(String.init) ?? "none"))")
            print("next seq \(restored.nextSeq); \(restored.eventsCarried) event(s) newer than the backup carried over from the replaced database")
            if let previous = restored.previous { print("the replaced files are in \(previous)") }
        }
    }
}
