import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseDaemon
import GatehouseStore

/// `gatehouse events`: the outbox, as a table or as the stored CloudEvents.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Print the stored events: a table, or one CloudEvent per line with --json.")

    @OptionGroup var configOption: ConfigOption
    var config: String { configOption.path }
    @Flag(help: "Print each stored CloudEvent as one JSON line.") var json = false
    @Flag(help: "Keep printing new events as they are stored, until interrupted.") var follow = false
    @Option(help: "Only events after this seq.") var after: Int64 = 0
    @Option(help: "Only events at or after this time: RFC 3339 (2026-12-01T08:00:00Z), or a duration ago (90s, 15m, 8h, 30d).") var since: String?
    @Option(help: "Only events of this type (access.granted, or a family: access, alarm…); repeatable.") var type: [String] = []
    @Option(help: "Only the newest N of the events that match (then --follow goes on from there).") var limit: Int?

    func run() async throws {
        try await failing {
            let settings: GatehouseConfig
            do { settings = try ConfigFile.load(config) } catch { throw CLIFailure.refused("\(error)") }
            guard after >= 0 else { throw CLIFailure.refused("--after: expected a seq of 0 or more, got \(after)") }
            if let limit, limit < 1 { throw CLIFailure.refused("--limit: expected 1 or more, got \(limit)") }
            let from = try since.map(Self.time)
            let filter = try EventFilter(types: type, since: from)
            let log: EventLog
            do {
                log = EventLog(database: try GatehouseDatabase(path: settings.database), site: settings.site, device: settings.device)
            } catch {
                throw CLIFailure.environment("\(error)")
            }
            if !json { print(Self.header) }
            var after = after
            var newest: [StoredEvent] = []
            var backlog = limit != nil
            while true {
                let events: [StoredEvent]
                do { events = try log.events(after: after, limit: 1000) } catch { throw CLIFailure.environment("\(error)") }
                let matching = events.filter(filter.matches)
                if backlog, let limit {
                    // The stored events up to now: keep only the newest `limit`, print them once read.
                    newest = Array((newest + matching).suffix(limit))
                    if events.count < 1000 {
                        for event in newest { print(json ? event.payload : Self.row(event)) }
                        backlog = false
                    }
                } else {
                    for event in matching { print(json ? event.payload : Self.row(event)) }
                }
                // Standard output is block-buffered into a pipe; a follower must see each batch.
                fflush(nil)
                after = events.last?.seq ?? after
                if events.count == 1000 { continue }
                guard follow else { return }
                try await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    /// `--since`: an RFC 3339 time, or a duration ago.
    static func time(_ text: String) throws -> Timestamp {
        if let time = Timestamp(rfc3339: text) { return time }
        if let seconds = DurationText.seconds(text) { return WallClock.now().adding(seconds: -seconds) }
        if Int64(text) != nil {
            throw CLIFailure.refused("--since: \"\(text)\" is a bare number; for events after a seq give --after \(text), for a time --since 2026-12-01T08:00:00Z or --since 8h")
        }
        throw CLIFailure.refused("--since: expected an RFC 3339 time (2026-12-01T08:00:00Z) or a duration ago (90s, 15m, 8h, 30d), got \"\(text.prefix(40))\"")
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
                // Lists of ids only (a mode's zones); the muster list's zones are objects.
                let ids = items.compactMap { if case .string(let item) = $0 { item } else { nil } }
                return ids.count == items.count && !ids.isEmpty ? "\(key)=" + ids.joined(separator: ",") : nil
            case .null? where key == "zones" && data["mode"] != nil && data["mode"] != .string("normal"):
                return "zones=all"
            default: return nil
            }
        }.joined(separator: " ") + (event.publishedAt == nil ? "" : " (published)")
    }
}
