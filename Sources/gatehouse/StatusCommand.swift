import ArgumentParser
import GatehouseCore
import GatehouseDaemon
import Foundation
import GatehouseStore

/// `gatehouse status`: the daemon's live state when it runs (the process, the link, readers,
/// doors, lines), and what the database holds either way (the policy, the mode, the outbox, the
/// last decisions).
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the daemon, its link, readers, doors and lines, the policy, the mode, the outbox and the last decisions.",
        discussion: "With the daemon stopped, it says so and shows what the database holds.")

    @OptionGroup var configOption: ConfigOption
    var config: String { configOption.path }
    @Flag(help: "Print one JSON object.") var json = false
    @Flag(help: "Refresh in place every two seconds until interrupted (Ctrl-C).") var watch = false

    func validate() throws {
        if json && watch { throw ValidationError("--watch and --json cannot be combined: a script runs `gatehouse status --json` as often as it needs") }
    }

    func run() async throws {
        try await failing {
            let settings: GatehouseConfig
            do { settings = try ConfigFile.load(config) } catch { throw CLIFailure.refused("\(error)") }
            repeat {
                // Opened for each reading and closed after it: a watch never holds the database
                // open across a restore or an upgrade.
                let status: StoreStatus
                do { status = try GatehouseDatabase(path: settings.database).status() } catch { throw CLIFailure.environment("\(error)") }
                let live = Self.live(settings)
                if watch {
                    // Home, clear to the end: the whole screen redrawn in place.
                    print("\u{1B}[H\u{1B}[J" + Self.table(status, settings, live: live) + "\n\n(every 2 s; Ctrl-C to stop)")
                    fflush(nil)
                    try await Task.sleep(for: .seconds(2))
                } else {
                    print(json ? Self.json(status, settings, live: live) : Self.table(status, settings, live: live))
                }
            } while watch
        }
    }

    /// The running daemon's live state (``ControlRequest/status``), or nil when none answers on
    /// the configuration's control socket.
    static func live(_ config: GatehouseConfig) -> JSONObject? {
        let reply = try? ControlClient.send(JSONObject([("op", .string("status"))]), to: ControlServer.path(forDatabase: config.database), timeoutMilliseconds: 2000)
        return reply?.bool("ok") == true ? reply : nil
    }

    static func json(_ status: StoreStatus, _ config: GatehouseConfig, live: JSONObject?) -> String {
        let applied = status.applied
        let optionalString: (String?) -> JSONValue = { $0.map(JSONValue.string) ?? .null }
        return JSONValue.object(JSONObject([
            ("site", .string(config.site)), ("device", .string(config.device)), ("daemon_running", .bool(live != nil)),
            ("bundle_version", applied.map { .integer($0.version) } ?? .null),
            ("bundle_kind", optionalString(applied?.kind.rawValue)),
            ("bundle_sha256", optionalString(applied?.sha256)),
            ("bundle_applied_at", optionalString(applied?.appliedAt.rfc3339)),
            ("bundle_expires", optionalString(applied?.expires?.rfc3339)),
            ("bundle_stale", .bool(applied?.expires.map { $0 <= WallClock.now() } ?? false)),
            ("counts", .object(JSONObject(RecordType.allCases.map { ($0.rawValue, .integer(Int64(status.counts[$0] ?? 0))) }))),
            ("outbox_depth", .integer(Int64(status.outboxDepth))),
            ("outbox_oldest", optionalString(status.oldestWaiting?.rfc3339)),
            ("outbox_total", .integer(Int64(status.outboxTotal))),
            ("last_seq", .integer(status.lastSeq)),
            ("mode", .string(status.mode.kind.rawValue)),
            ("mode_zones", status.mode.zones.map { .array($0.map(JSONValue.string)) } ?? .null),
            ("clock", .string(live?.string("clock") ?? (clock(status, config) == nil ? "ok" : "suspect"))),
            ("clock_floor", optionalString(status.clockFloor?.rfc3339)),
            ("inside", .object(JSONObject(status.headcount.sorted { $0.key < $1.key }.map { ($0.key, .integer(Int64($0.value))) }))),
            ("storage", .object(JSONObject([
                ("free_bytes", free(config).map(JSONValue.integer) ?? .null), ("threshold_bytes", .integer(config.storage.lowFreeBytes)),
                ("low", .bool((free(config) ?? .max) < config.storage.lowFreeBytes)),
            ]))),
            ("recent_decisions", .array(status.recentDecisions.map { .object(decision($0)) })),
        ] + liveMembers(live))).serialized
    }

    static func table(_ status: StoreStatus, _ config: GatehouseConfig, live: JSONObject?) -> String {
        var lines = ["device   \(config.site)/\(config.device)"]
        lines += daemonLines(live, config)
        if let applied = status.applied {
            lines.append("bundle   version \(applied.version) (\(applied.kind.rawValue)), applied \(applied.appliedAt.rfc3339)")
            lines.append("sha256   \(applied.sha256)")
            lines.append("expires  \(applied.expires?.rfc3339 ?? "never")\(applied.expires.map { $0 <= WallClock.now() ? "  STALE since then: each door decides as its stale_policy says (deny, or use the cache and flag it); apply a newer bundle" : "" } ?? "")")
        } else {
            lines.append("bundle   none applied: every access is refused with no_policy")
        }
        lines.append("records")
        for type in RecordType.allCases {
            lines.append("  \(type.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)) \(status.counts[type] ?? 0)")
        }
        lines.append("mode     \(ModeCommand.describe(kind: status.mode.kind.rawValue, zones: status.mode.zones.map { .array($0.map(JSONValue.string)) }))")
        if live?.string("clock") == "suspect" || (live == nil && clock(status, config) != nil), let floor = status.clockFloor {
            lines.append("clock    SUSPECT: the system clock reads \(WallClock.now().rfc3339), before the clock floor \(floor.rfc3339) (the newest event or the bundle's issue time); the daemon decides with the floor until the clock is right")
        } else {
            lines.append("clock    ok")
        }
        let inside = status.headcount.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        lines.append("inside   \(inside.isEmpty ? "nobody" : inside.joined(separator: ", "))")
        let oldest = status.oldestWaiting.map { ", the oldest from \(age(since: $0)) ago" } ?? ""
        lines.append("outbox   \(status.outboxDepth) waiting\(oldest), \(status.outboxTotal) stored, last seq \(status.lastSeq)")
        lines += decisionLines(status.recentDecisions)
        if let free = free(config) {
            let low = free < config.storage.lowFreeBytes
            lines.append("storage  \(megabytes(free)) free in the state directory\(low ? ", LOW: under [storage] low_free_mb = \(config.storage.lowFreeBytes / 1_000_000)" : "")")
        }
        return lines.joined(separator: "\n")
    }

    /// The clock floor when the system clock is behind it (contract 7.4): by more than the
    /// skew, or at all while the daemon has said so; nil when the clock is fine.
    static func clock(_ status: StoreStatus, _ config: GatehouseConfig) -> Timestamp? {
        guard let floor = status.clockFloor else { return nil }
        let now = WallClock.now()
        let behind = floor.millisecondsSinceEpoch - now.millisecondsSinceEpoch
        return behind > Int64(config.policy.clockSkewSeconds) * 1000 || (status.clockSuspectFloor != nil && behind > 0) ? floor : nil
    }

    /// The state directory's free space.
    static func free(_ config: GatehouseConfig) -> Int64? {
        let directory = (config.database as NSString).deletingLastPathComponent
        return DiskSpace.freeBytes(at: directory.isEmpty ? "." : directory)
    }

    static func megabytes(_ bytes: Int64) -> String {
        bytes >= 10_000_000_000 ? String(format: "%.1f GB", Double(bytes) / 1e9) : String(format: "%.1f MB", Double(bytes) / 1e6)
    }
}
