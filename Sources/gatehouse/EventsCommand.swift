import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseDaemon
import GatehouseStore

/// `gatehouse events`: the outbox, as a table or as the stored CloudEvents.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Print the stored events: a table, or one CloudEvent per line with --json.")

    @Option(help: "The configuration file.") var config: String
    @Flag(help: "Print each stored CloudEvent as one JSON line.") var json = false
    @Flag(help: "Keep printing new events as they are stored, until interrupted.") var follow = false
    @Option(help: "Print only events after this seq.") var since: Int64 = 0

    func run() async throws {
        try await failing {
            let settings: GatehouseConfig
            do { settings = try ConfigFile.load(config) } catch { throw CLIFailure.refused("\(error)") }
            guard since >= 0 else { throw CLIFailure.refused("--since: expected a seq of 0 or more, got \(since)") }
            let log: EventLog
            do {
                log = EventLog(database: try GatehouseDatabase(path: settings.database), site: settings.site, device: settings.device)
            } catch {
                throw CLIFailure.environment("\(error)")
            }
            if !json { print(Self.header) }
            var after = since
            while true {
                let events: [StoredEvent]
                do { events = try log.events(after: after, limit: 1000) } catch { throw CLIFailure.environment("\(error)") }
                for event in events { print(json ? event.payload : Self.row(event)) }
                // Standard output is block-buffered into a pipe; a follower must see each batch.
                fflush(nil)
                after = events.last?.seq ?? after
                if events.count == 1000 { continue }
                guard follow else { return }
                try await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    static let header = "SEQ     TIME                      TYPE                               SUBJECT       DETAIL"

    static func row(_ event: StoredEvent) -> String {
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text + " " : text.padding(toLength: width, withPad: " ", startingAt: 0)
        }
        let type = event.type.hasPrefix("gatehouse.") ? String(event.type.dropFirst(10)) : event.type
        return pad(String(event.seq), 8) + pad(event.time.rfc3339, 26) + pad(type, 35) + pad(event.subject, 14) + detail(event)
    }

    /// A short summary of the event's data: the decision, reason and who, for access events.
    static func detail(_ event: StoredEvent) -> String {
        guard case .object(let cloudEvent)? = try? JSONReader.parse(event.payload), case .object(let data)? = cloudEvent["data"] else { return "" }
        let keys = [
            "state", "reason", "person", "guard", "invite", "reader", "route", "mode", "zones", "previous", "previous_zones", "version", "origin", "bundle",
            "count", "total", "input", "held_open_s", "free_bytes", "system_time", "floor",
        ]
        return keys.compactMap { key in
            switch data[key] {
            case .string(let value)?: return "\(key)=\(value)"
            case .integer(let value)?: return "\(key)=\(value)"
            case .array(let items)?:
                return "\(key)=" + items.compactMap { if case .string(let item) = $0 { item } else { nil } }.joined(separator: ",")
            case .null? where key == "zones" && data["mode"] != nil && data["mode"] != .string("normal"):
                return "zones=all"
            default: return nil
            }
        }.joined(separator: " ") + (event.publishedAt == nil ? "" : " (published)")
    }
}
