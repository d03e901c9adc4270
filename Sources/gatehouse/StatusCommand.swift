import ArgumentParser
import GatehouseCore
import GatehouseDaemon
import Foundation
import GatehouseStore

/// `gatehouse status`: what the cache holds and what waits to be published.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the applied bundle, the cache's records and the outbox.")

    @OptionGroup var configOption: ConfigOption
    var config: String { configOption.path }
    @Flag(help: "Print one JSON object.") var json = false

    func run() async throws {
        try await failing {
            let settings: GatehouseConfig
            do { settings = try ConfigFile.load(config) } catch { throw CLIFailure.refused("\(error)") }
            let status: StoreStatus
            do {
                status = try GatehouseDatabase(path: settings.database).status()
            } catch {
                throw CLIFailure.environment("\(error)")
            }
            let daemon = Self.daemonAnswers(settings)
            print(json ? Self.json(status, settings, daemon: daemon) : Self.table(status, settings, daemon: daemon))
        }
    }

    /// Whether a daemon answers on the configuration's control socket.
    static func daemonAnswers(_ config: GatehouseConfig) -> Bool {
        let reply = try? ControlClient.send(JSONObject([("op", .string("ping"))]), to: ControlServer.path(forDatabase: config.database), timeoutMilliseconds: 2000)
        if case .bool(true)? = reply?["ok"] { return true }
        return false
    }

    static func json(_ status: StoreStatus, _ config: GatehouseConfig, daemon: Bool) -> String {
        let applied = status.applied
        let optionalString: (String?) -> JSONValue = { $0.map(JSONValue.string) ?? .null }
        return JSONValue.object(JSONObject([
            ("site", .string(config.site)), ("device", .string(config.device)), ("daemon_running", .bool(daemon)),
            ("bundle_version", applied.map { .integer($0.version) } ?? .null),
            ("bundle_kind", optionalString(applied?.kind.rawValue)),
            ("bundle_sha256", optionalString(applied?.sha256)),
            ("bundle_applied_at", optionalString(applied?.appliedAt.rfc3339)),
            ("bundle_expires", optionalString(applied?.expires?.rfc3339)),
            ("bundle_stale", .bool(applied?.expires.map { $0 <= WallClock.now() } ?? false)),
            ("counts", .object(JSONObject(RecordType.allCases.map { ($0.rawValue, .integer(Int64(status.counts[$0] ?? 0))) }))),
            ("outbox_depth", .integer(Int64(status.outboxDepth))),
            ("outbox_total", .integer(Int64(status.outboxTotal))),
            ("last_seq", .integer(status.lastSeq)),
            ("mode", .string(status.mode.kind.rawValue)),
            ("mode_zones", status.mode.zones.map { .array($0.map(JSONValue.string)) } ?? .null),
            ("clock", .string(clock(status, config) == nil ? "ok" : "suspect")),
            ("clock_floor", optionalString(status.clockFloor?.rfc3339)),
            ("inside", .object(JSONObject(status.headcount.sorted { $0.key < $1.key }.map { ($0.key, .integer(Int64($0.value))) }))),
            ("storage", .object(JSONObject([
                ("free_bytes", free(config).map(JSONValue.integer) ?? .null), ("threshold_bytes", .integer(config.storage.lowFreeBytes)),
                ("low", .bool((free(config) ?? .max) < config.storage.lowFreeBytes)),
            ]))),
        ])).serialized
    }

    static func table(_ status: StoreStatus, _ config: GatehouseConfig, daemon: Bool) -> String {
        var lines = ["device   \(config.site)/\(config.device)"]
        lines.append(daemon ? "daemon   running (answers on its control socket)" : "daemon   NOT RUNNING: below is what the database holds; nothing is decided until it starts")
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
        if let floor = clock(status, config) {
            lines.append("clock    SUSPECT: the system clock reads \(WallClock.now().rfc3339), before the clock floor \(floor.rfc3339) (the newest event or the bundle's issue time); the daemon decides with the floor until the clock is right")
        } else {
            lines.append("clock    ok")
        }
        let inside = status.headcount.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        lines.append("inside   \(inside.isEmpty ? "nobody" : inside.joined(separator: ", "))")
        lines.append("outbox   \(status.outboxDepth) waiting, \(status.outboxTotal) stored, last seq \(status.lastSeq)")
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
