import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseDaemon
import GatehouseStore

/// `gatehouse patrol`: each local checkpoint's routes, its open round and its recent rounds
/// (on time, late or missed, and who visited), from the database; the daemon may be running.
struct PatrolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patrol", abstract: "Show each checkpoint's recent patrol rounds: on time, late or missed, and who visited.")

    @OptionGroup var configOption: ConfigOption
    var config: String { configOption.path }
    @Option(help: "Rounds to show per checkpoint, newest first (1 to 1000).") var limit = 10
    @Flag(help: "Print one JSON object.") var json = false

    func run() async throws {
        try await failing {
            guard (1...1000).contains(limit) else { throw CLIFailure.refused("--limit: expected 1 to 1000, got \(limit)") }
            let settings: GatehouseConfig
            do { settings = try ConfigFile.load(config) } catch { throw CLIFailure.refused("\(error)") }
            let checkpoints = Set(settings.readers.compactMap(\.checkpoint)).sorted()
            guard !checkpoints.isEmpty else {
                throw CLIFailure.refused("\(config): no reader is a checkpoint (set `checkpoint = \"ID\"` in a reader's table)")
            }
            var reports: [JSONValue] = []
            do {
                let database = try GatehouseDatabase(path: settings.database)
                let log = EventLog(database: database, site: settings.site, device: settings.device)
                let state = try log.runtimeState()
                let reader = try PolicyReader(database)
                for checkpoint in checkpoints {
                    let routes = try reader.read { view in try view.routes(through: checkpoint) }
                    reports.append(Self.report(checkpoint, routes: routes, state: state, rounds: try log.patrolRounds(checkpoint: checkpoint, limit: limit)))
                }
            } catch {
                throw CLIFailure.environment("\(error)")
            }
            print(json ? JSONValue.object(JSONObject([("checkpoints", .array(reports))])).serialized : reports.map(Self.text).joined(separator: "\n\n"))
        }
    }

    /// One checkpoint: its routes, the round open on each, and the recent rounds.
    static func report(_ checkpoint: String, routes: [Route], state: RuntimeState, rounds: [PatrolRound]) -> JSONValue {
        let open: [JSONValue] = routes.map { route in
            let start = state.patrol.roundStarts[PatrolKey(route: route.id, checkpoint: checkpoint)] ?? nil
            return .object(JSONObject([
                ("route", .string(route.id)), ("every_s", .integer(route.everySeconds)), ("grace_s", .integer(route.graceSeconds)),
                ("round_started_at", start.map { .string($0.rfc3339) } ?? .null),
                ("due_at", start.map { .string($0.adding(seconds: route.everySeconds).rfc3339) } ?? .null),
            ]))
        }
        return .object(JSONObject([
            ("checkpoint", .string(checkpoint)), ("routes", .array(open)),
            ("rounds", .array(rounds.map { round in
                .object(JSONObject([
                    ("route", .string(round.route)), ("outcome", .string(round.outcome.rawValue)),
                    ("started_at", .string(round.startedAt.rfc3339)), ("due_at", .string(round.dueAt.rfc3339)),
                    ("visited_at", round.visitedAt.map { .string($0.rfc3339) } ?? .null),
                    ("visited_by", round.visitedBy.map(JSONValue.string) ?? .null),
                ]))
            })),
        ]))
    }

    static func text(_ report: JSONValue) -> String {
        guard case .object(let object) = report, case .string(let checkpoint)? = object["checkpoint"] else { return "" }
        func string(_ value: JSONValue?) -> String { if case .string(let text)? = value { text } else { "" } }
        var lines = ["checkpoint \(checkpoint)"]
        if case .array(let routes)? = object["routes"] {
            if routes.isEmpty { lines.append("  no route in the cache passes here") }
            for case .object(let route) in routes {
                let every = if case .integer(let seconds)? = route["every_s"] { "every \(seconds) s" } else { "" }
                let due = string(route["due_at"])
                lines.append("  route \(string(route["route"])), \(every): " + (due.isEmpty ? "no round due (outside its schedule)" : "next due \(due)"))
            }
        }
        if case .array(let rounds)? = object["rounds"] {
            if rounds.isEmpty {
                lines.append("  no rounds yet")
            } else {
                lines.append("  " + [pad("STARTED", 25), pad("DUE", 25), pad("ROUTE", 14), pad("OUTCOME", 8), "VISITED"].joined())
            }
            for case .object(let round) in rounds {
                let outcome = string(round["outcome"]).replacingOccurrences(of: "_", with: " ")
                let visit = string(round["visited_by"]).isEmpty ? "-" : "\(string(round["visited_by"])) at \(string(round["visited_at"]))"
                lines.append("  " + [pad(string(round["started_at"]), 25), pad(string(round["due_at"]), 25), pad(string(round["route"]), 14), pad(outcome, 8), visit].joined())
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `text` padded to a column `width` wide, with one space at least after it.
    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text.padding(toLength: width, withPad: " ", startingAt: 0)
    }
}
