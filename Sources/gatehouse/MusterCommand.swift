import Foundation
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

            During an evacuation it is the roll call too: who was inside each evacuated zone or \
            entered it since, and who of them has neither left through a door nor mustered. \
            --follow prints one line each time the roll call changes, until interrupted. \
            --report prints the last drill's report.

            Exit status: 0 when the list is printed, 1 when the configuration has problems or \
            there is no drill report, 2 when the database cannot be read or, with --announce, no \
            daemon answers.
            """)

    @OptionGroup var configOption: ConfigOption
    var config: String { configOption.path }
    @Flag(help: "Print the list as one JSON object (the muster event's data).") var json = false
    @Flag(help: "Have the running daemon store and publish the list as an emergency.muster event.") var announce = false
    @Flag(help: "Keep watching the roll call: one line per change, until interrupted.") var follow = false
    @Flag(help: "Print the last evacuation drill's report as a table.") var report = false

    func run() async throws {
        let list: JSONObject
        let settings = try ControlReply.loadConfig(config)
        if report || follow {
            do {
                let log = try EventLog(database: try GatehouseDatabase(path: settings.database), site: settings.site, device: settings.device)
                if report {
                    guard let last = try Self.lastDrillReport(log) else {
                        printError("gatehouse: no drill report: run a drill with gatehouse mode evacuation --drill, then gatehouse mode normal")
                        throw ExitCode(1)
                    }
                    print(json ? JSONValue.object(last).serialized : Self.reportTable(last))
                    return
                }
                var shown: String?
                while !Task.isCancelled {
                    let state = try log.runtimeState()
                    let time = WallClock.now()
                    let line = Self.followLine(
                        EventFactory(site: settings.site, device: settings.device).muster(state, orderedBy: "cli", command: nil, rollCall: state.rollCall, at: time, id: "").data)
                    if line != shown {
                        print("\(time.rfc3339)  \(line)")
                        fflush(nil)
                        shown = line
                    }
                    try await Task.sleep(for: .seconds(1))
                }
                return
            } catch let error as StoreError {
                printError("gatehouse: the database cannot be read: \(error)")
                throw ExitCode(2)
            }
        }
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
                    .muster(state, orderedBy: "cli", command: nil, rollCall: state.rollCall, at: time, id: EventID.make(at: time)).data
            } catch {
                printError("gatehouse: the database cannot be read: \(error)")
                throw ExitCode(2)
            }
        }
        print(json ? JSONValue.object(list).serialized : ([Self.text(list)] + Self.rollCallLines(list)).joined(separator: "\n"))
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
