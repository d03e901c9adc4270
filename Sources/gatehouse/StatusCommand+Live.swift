import Foundation
import GatehouseCore
import GatehouseDaemon
import GatehouseStore

/// The live half of `gatehouse status`: what the running daemon says of itself, and the last
/// decisions from the event log.
extension StatusCommand {
    /// The members of the daemon's live state that `--json` carries: `daemon`, `link`,
    /// `readers`, `doors`, `inputs`, `outputs`; null when no daemon runs.
    static func liveMembers(_ live: JSONObject?) -> [(key: String, value: JSONValue)] {
        ["daemon", "link", "readers", "doors", "inputs", "outputs"].map { key in (key, live?[key] ?? .null) }
    }

    /// The daemon, its link, readers, doors and lines, as table lines.
    static func daemonLines(_ live: JSONObject?, _ config: GatehouseConfig) -> [String] {
        guard let live, let daemon = live.object("daemon") else {
            return [
                "daemon   NOT RUNNING: below is what the database holds; nothing is decided until it starts",
                "         (readers, doors and lines are shown while it runs: systemctl start gatehouse)",
            ]
        }
        var lines = [
            "daemon   running, pid \(daemon.integer("pid") ?? 0), version \(daemon.string("version") ?? "?"), up \(duration(seconds: daemon.integer("uptime_s") ?? 0)) (since \(daemon.string("started_at") ?? "?"))"
        ]
        if let link = live.object("link") {
            let broker = link.string("broker") ?? "?"
            let since = link.string("since").map { " since \($0)" } ?? ""
            let error = link.string("last_error").map { "; last error: \($0)" } ?? ""
            switch link.string("state") {
            case "connected"?:
                lines.append("link     connected to \(broker)\(since) (\(link.integer("connections") ?? 0) connection(s) since the start)")
            case "refused"?:
                lines.append("link     REFUSED by \(broker)\(since)\(error); events wait in the outbox")
            default:
                lines.append("link     NOT CONNECTED: connecting to \(broker)\(since)\(error); events wait in the outbox")
            }
        } else {
            lines.append("link     none: no [mqtt] in the configuration; events stay in the outbox")
        }
        let readers = live.objects("readers")
        lines.append("readers" + (readers.isEmpty ? "  none configured" : ""))
        for reader in readers {
            let state = reader.string("state") ?? "?"
            var text = state == "fault" ? "FAULT \(reader.string("fault") ?? "")" : state
            if let since = reader.string("since") { text += " since \(since)" }
            if let last = reader.string("last_presented") { text += ", last presented \(last)" }
            if let identity = reader.string("identity") { text += " (\(identity))" }
            if let security = reader.string("card_security"), security != "uid" { text += ", checks \(security) cards" }
            lines.append("  " + columns([reader.string("id") ?? "?", reader.string("type") ?? "?", text], widths: [16, 20]))
        }
        let doors = live.objects("doors")
        if !doors.isEmpty {
            lines.append("doors")
            for door in doors {
                let state = door.string("state") ?? "?"
                let shown = ["held", "forced"].contains(state) ? state.uppercased() : state
                lines.append("  " + columns([door.string("id") ?? "?", door.string("kind") ?? "?", "zone \(door.string("zone") ?? "?")", shown], widths: [16, 12, 18]))
            }
        }
        for (key, title) in [("inputs", "inputs"), ("outputs", "outputs")] {
            let items = live.objects(key)
            guard !items.isEmpty else { continue }
            lines.append(title)
            for item in items {
                let level = item.bool("active").map { $0 ? "active" : "inactive" } ?? "unknown"
                let texts = key == "inputs" ? [item.string("id") ?? "?", item.string("role") ?? "", level] : [item.string("id") ?? "?", level]
                lines.append("  " + columns(texts, widths: [18, 14]))
            }
        }
        return lines
    }

    /// The newest decisions, newest first, as table lines.
    static func decisionLines(_ events: [StoredEvent]) -> [String] {
        guard !events.isEmpty else { return ["decisions none yet"] }
        return ["decisions (newest first)"] + events.map { event in
            let data = decision(event)
            let person = data.string("person").map { "person \($0)" } ?? ""
            return "  " + columns([event.time.rfc3339, data.string("reader") ?? "?", data.string("decision") ?? "?", data.string("reason") ?? "?", person], widths: [25, 16, 8, 22])
        }
    }

    /// What `status` shows of one decision: its time, reader, decision, reason and person;
    /// never the credential.
    static func decision(_ event: StoredEvent) -> JSONObject {
        let data: JSONObject? =
            if case .object(let payload)? = try? JSONReader.parse(Array(event.payload.utf8)) { payload.object("data") } else { nil }
        return JSONObject([
            ("seq", .integer(event.seq)), ("time", .string(event.time.rfc3339)),
            ("reader", data?["reader"] ?? .null), ("decision", data?["decision"] ?? .null), ("reason", data?["reason"] ?? .null),
            ("person", data?["person"] ?? .null),
        ])
    }

    /// How long ago `time` was, in words (`3 min`, `2 h 05 min`).
    static func age(since time: Timestamp) -> String {
        duration(seconds: max(0, (WallClock.now().millisecondsSinceEpoch - time.millisecondsSinceEpoch) / 1000))
    }

    static func duration(seconds: Int64) -> String {
        switch seconds {
        case ..<60: "\(seconds) s"
        case ..<3600: "\(seconds / 60) min"
        case ..<86_400: "\(seconds / 3600) h \(String(format: "%02d", seconds % 3600 / 60)) min"
        default: "\(seconds / 86_400) d \(seconds % 86_400 / 3600) h"
        }
    }

    /// Texts padded to their columns' widths, the last one as it is.
    static func columns(_ texts: [String], widths: [Int]) -> String {
        texts.enumerated().map { index, text in
            index < widths.count ? text.padding(toLength: max(widths[index], text.count + 1), withPad: " ", startingAt: 0) : text
        }.joined().trimmingCharacters(in: .whitespaces)
    }
}
