import ArgumentParser
import GatehouseCore
import GatehouseDaemon

/// `gatehouse mode`: changes the running daemon's mode through its control socket. Only root
/// and the members of `control.group` may.
struct ModeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mode",
        abstract: "Put the device into lockdown or evacuation, or back to normal.",
        discussion: """
            Lockdown keeps every door locked and denies everyone but responders. Evacuation holds
            every fail-safe door and every turnstile open, grants every exit, and stores the
            muster list. The mode survives restarts. Allowed to root and to the members of
            control.group only. Exit status: 0 when the mode is set (or already was), 2 on an error.
            """)

    @Option(help: "The configuration file.") var config: String
    @Option(parsing: .upToNextOption, help: "Only these zones (default: every zone).") var zones: [String] = []
    @Flag(help: "Print the daemon's reply as one JSON object.") var json = false
    @Argument(help: "normal, lockdown or evacuation.") var mode: DeviceMode.Kind

    func run() async throws {
        if let bad = zones.first(where: { !Identifier.isValid($0) }) {
            printError("gatehouse: --zones: \"\(bad)\" is not a zone id")
            throw ExitCode(2)
        }
        let reply = try ControlReply.request(config: config) { socket throws(DaemonError) in
            try ControlClient.setMode(DeviceMode(mode, zones: zones.isEmpty ? nil : zones), socket: socket)
        }
        if json {
            print(JSONValue.object(reply).serialized)
        } else if case .bool(true)? = reply["changed"] {
            print("mode \(mode.rawValue)\(zones.isEmpty ? "" : " in \(zones.joined(separator: ", "))")")
        } else {
            print("mode already \(mode.rawValue)")
        }
    }
}

extension DeviceMode.Kind: ExpressibleByArgument {}
