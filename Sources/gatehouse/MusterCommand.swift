import ArgumentParser
import GatehouseCore
import GatehouseDaemon
import GatehouseStore

/// `gatehouse muster`: who is inside each zone by the device's count, read from the database
/// (the daemon may be running). With `--announce`, the running daemon stores the list as an
/// `emergency.muster` event, which it publishes, and returns it.
struct MusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "muster",
        abstract: "Print the muster list: who is inside each zone, by the device's count.",
        discussion: """
            Prints the list as the device counts it, from its database; nothing is stored or \
            published. With --announce, the running daemon stores the list as an \
            emergency.muster event, which goes to the platform like any other, and prints it.

            Exit status: 0 when the list is printed, 1 when the configuration has problems, 2 \
            when the database cannot be read or, with --announce, no daemon answers.
            """)

    @OptionGroup var configOption: ConfigOption
    var config: String { configOption.path }
    @Flag(help: "Print the list as one JSON object (the muster event's data).") var json = false
    @Flag(help: "Have the running daemon store and publish the list as an emergency.muster event.") var announce = false

    func run() async throws {
        let list: JSONObject
        let settings = try ControlReply.loadConfig(config)
        if announce {
            let reply = try ControlReply.request(settings: settings) { socket throws(DaemonError) in try ControlClient.muster(socket: socket) }
            guard case .array(let events)? = reply["events"], case .object(let event)? = events.first, case .object(let data)? = event["data"] else {
                printError("gatehouse: the daemon's reply holds no muster list")
                throw ExitCode(2)
            }
            list = data
        } else {
            do {
                let database = try GatehouseDatabase(path: settings.database)
                let state = try EventLog(database: database, site: settings.site, device: settings.device).runtimeState()
                let time = WallClock.now()
                list = EventFactory(site: settings.site, device: settings.device)
                    .muster(state, orderedBy: "cli", command: nil, at: time, id: EventID.make(at: time)).data
            } catch {
                printError("gatehouse: the database cannot be read: \(error)")
                throw ExitCode(2)
            }
        }
        print(json ? JSONValue.object(list).serialized : Self.text(list))
    }

    /// One block per zone: its count, then each person and visitor's invite.
    static func text(_ list: JSONObject) -> String {
        guard case .array(let zones)? = list["zones"], !zones.isEmpty else { return "nobody inside" }
        var lines: [String] = []
        if case .integer(let total)? = list["total"] { lines.append("\(total) inside") }
        for case .object(let zone) in zones {
            guard case .string(let name)? = zone["zone"], case .integer(let count)? = zone["count"] else { continue }
            lines.append("zone \(name): \(count)")
            for (key, label) in [("people", "person"), ("invites", "visitor, invite")] {
                guard case .array(let ids)? = zone[key] else { continue }
                for case .string(let id) in ids { lines.append("  \(label) \(id)") }
            }
        }
        return lines.joined(separator: "\n")
    }
}
