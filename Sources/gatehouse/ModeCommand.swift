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
            Lockdown keeps every door locked and denies everyone but responders. Evacuation holds \
            every fail-safe door and every turnstile open, grants every exit, and stores the \
            muster list. The mode survives restarts.

            Without --zones the mode is set for the whole site, ending whatever was in force. \
            With --zones it changes the zones of the mode in force, never replacing them \
            silently: the mode in force with --zones adds those zones to it; normal with --zones \
            ends the mode in those zones only; another mode with --zones replaces the mode in \
            force, and the reply says which it ended. Every zone must be one of the cache's \
            zones; an unknown one is refused with the list.

            A lockdown never ends an evacuation: end it first with normal.

            Allowed to root and to the members of control.group only. Exit status: 0 when the \
            mode is set (or already was), 1 when the daemon refuses it (an unknown zone, a \
            lockdown during an evacuation), 2 when the daemon cannot be reached or you may not \
            change the mode, 64 on a usage error.
            """)

    @OptionGroup var configOption: ConfigOption
    var config: String { configOption.path }
    @Option(parsing: .upToNextOption, help: "Add these zones to the mode (with normal: end the mode in them); default: the whole site.") var zones: [String] = []
    @Flag(help: "Print the daemon's reply as one JSON object.") var json = false
    @Flag(help: "With evacuation: a drill, tracked as a real one and marked as a drill; doors as [emergency] drill_releases_doors says.") var drill = false
    @Argument(help: "normal, lockdown or evacuation.") var mode: DeviceMode.Kind

    func run() async throws {
        if drill, mode != .evacuation {
            printError("gatehouse: --drill is for mode evacuation")
            throw ExitCode(1)
        }
        if let bad = zones.first(where: { !Identifier.isValid($0) }) {
            printError("gatehouse: --zones: \"\(bad)\" is not a zone id")
            throw ExitCode(1)
        }
        let reply = try ControlReply.request(config: config) { socket throws(DaemonError) in
            try ControlClient.setMode(ModeRequest(mode, zones: zones.isEmpty ? nil : zones, drill: drill), socket: socket)
        }
        if json {
            print(JSONValue.object(reply).serialized)
            return
        }
        let now = Self.describe(kind: text(reply["mode"]), zones: reply["zones"])
        if case .bool(true)? = reply["changed"] {
            let previous = Self.previous(in: reply)
            print("mode \(now)\(previous.map { "; was \($0)" } ?? "")")
        } else {
            print("mode already \(now)")
        }
    }
}

extension ModeCommand {
    /// "evacuation in lab, store", or "lockdown (whole site)".
    static func describe(kind: String?, zones: JSONValue?) -> String {
        let kind = kind ?? "unknown"
        guard kind != "normal" else { return kind }
        if case .array(let items)? = zones {
            return "\(kind) in \(items.compactMap { if case .string(let zone) = $0 { zone } else { nil } }.joined(separator: ", "))"
        }
        return "\(kind) (whole site)"
    }

    /// The mode before the change, from the reply's `mode_changed` event.
    static func previous(in reply: JSONObject) -> String? {
        guard case .array(let events)? = reply["events"] else { return nil }
        for case .object(let event) in events where text(event["type"]) == EventType.emergencyModeChanged.rawValue {
            guard case .object(let data)? = event["data"] else { continue }
            return describe(kind: text(data["previous"]), zones: data["previous_zones"])
        }
        return nil
    }
}

private func text(_ value: JSONValue?) -> String? {
    if case .string(let text)? = value { text } else { nil }
}

extension DeviceMode.Kind: ExpressibleByArgument {}
