import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseStore

/// The roll call's views: the per-zone lines of an evacuation, `--follow`, and `--report`.
extension MusterCommand {
    /// Each counted zone's accounted and unaccounted, after the occupancy lines.
    static func rollCallLines(_ list: JSONObject) -> [String] {
        guard list["started"] != nil else { return [] }
        var lines = ["roll call since \(list.string("started") ?? "?")\(list.bool("drill") == true ? " (a drill)" : ""): \(list.integer("unaccounted_total") ?? 0) unaccounted"]
        for zone in list.objects("zones") {
            guard let name = zone.string("zone"), let unaccounted = zone.object("unaccounted"), let accounted = zone.object("accounted") else { continue }
            func names(_ object: JSONObject) -> [String] {
                object.strings("people") + object.strings("invites").map { "invite \($0)" }
            }
            lines.append("zone \(name): \(names(unaccounted).count) unaccounted, \(names(accounted).count) accounted")
            for who in names(unaccounted) { lines.append("  missing \(who)") }
        }
        return lines
    }

    /// One line summing up the roll call, for `--follow`.
    static func followLine(_ list: JSONObject) -> String {
        guard list["started"] != nil else { return "no evacuation" }
        let zones = list.objects("zones").compactMap { zone -> String? in
            guard let name = zone.string("zone"), let unaccounted = zone.object("unaccounted") else { return nil }
            let missing = unaccounted.strings("people") + unaccounted.strings("invites").map { "invite \($0)" }
            return "\(name) \(missing.count) missing" + (missing.isEmpty ? "" : " (\(missing.joined(separator: ", ")))")
        }
        let total = list.integer("unaccounted_total") ?? 0
        return (total == 0 ? "ALL CLEAR" : "\(total) unaccounted") + (zones.isEmpty ? "" : ": " + zones.joined(separator: "; "))
    }

    /// The last drill report stored, as a table; nil when there is none.
    static func lastDrillReport(_ log: EventLog) throws(StoreError) -> JSONObject? {
        var after: Int64 = 0
        var found: JSONObject?
        while true {
            let batch = try log.events(after: after, limit: 1000)
            guard let last = batch.last else { break }
            for event in batch where event.type == EventType.emergencyDrillReport.rawValue {
                if case .object(let object)? = try? JSONReader.parse(event.payload), let data = object.object("data") { found = data }
            }
            after = last.seq
        }
        return found
    }

    static func reportTable(_ report: JSONObject) -> String {
        func seconds(_ value: Int64?) -> String { value.map { "\($0) s" } ?? "—" }
        var lines = ["drill from \(report.string("started") ?? "?") to \(report.string("ended") ?? "?")"]
        lines.append("zone".padding(toLength: 18, withPad: " ", startingAt: 0) + "at start  counted  50 %     90 %     100 %    unaccounted")
        for zone in report.objects("zones") {
            let name = (zone.string("zone") ?? "?").padding(toLength: 18, withPad: " ", startingAt: 0)
            let cells = [String(zone.integer("count_at_start") ?? 0), String(zone.integer("counted") ?? 0), seconds(zone.integer("s_to_50")), seconds(zone.integer("s_to_90")), seconds(zone.integer("s_to_100")), String(zone.integer("unaccounted") ?? 0)]
            lines.append(name + zip(cells, [10, 9, 9, 9, 9, 0]).map { $1 > 0 ? $0.padding(toLength: $1, withPad: " ", startingAt: 0) : $0 }.joined())
        }
        return lines.joined(separator: "\n")
    }
}

extension JSONObject {
    /// The strings of an array member.
    func strings(_ key: String) -> [String] {
        guard case .array(let values)? = self[key] else { return [] }
        return values.compactMap { if case .string(let text) = $0 { text } else { nil } }
    }
}
