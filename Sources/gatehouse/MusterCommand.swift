import ArgumentParser
import GatehouseCore
import GatehouseDaemon
import GatehouseStore

/// `gatehouse muster`: who is inside each zone by the device's count. The running daemon
/// stores the list as an `emergency.muster` event and returns it; when no daemon answers, the
/// list is read from the database as the daemon left it, and nothing is stored.
struct MusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "muster",
        abstract: "Print the muster list: who is inside each zone, by the device's count.",
        discussion: "Exit status: 0 when the list is printed, 2 on an error.")

    @Option(help: "The configuration file.") var config: String
    @Flag(help: "Print the list as one JSON object (the muster event's data).") var json = false

    func run() async throws {
        let list: JSONObject
        let settings: GatehouseConfig
        do {
            settings = try ConfigFile.load(config)
        } catch {
            printError("gatehouse: \(error)")
            throw ExitCode(2)
        }
        let socket = ControlServer.path(forDatabase: settings.database)
        if let reply = try? ControlClient.muster(socket: socket) {
            guard case .bool(true)? = reply["ok"], case .array(let events)? = reply["events"], case .object(let event)? = events.first,
                case .object(let data)? = event["data"]
            else {
                printError("gatehouse: \(ControlReply.failure(in: reply))")
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
                printError("gatehouse: no daemon answers on \(socket), and the database cannot be read: \(error)")
                throw ExitCode(2)
            }
            printError("gatehouse: no daemon answers on \(socket); this is the list as the daemon last stored it")
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
