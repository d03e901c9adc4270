import GatehouseCore
import GatehouseStore

/// A request on the control socket, and the JSON of its replies.
///
/// `{"op":"present","reader":R,"format":"uid"|"card"|"code","value":V}` presents a credential: a
/// `uid` in any common notation (it is normalised), a `card` number, or a scanned `code`, which is
/// a visitor token when it has a token's shape; at a zone that requires a PIN the reply's
/// `decision` is `pin_wanted`. `{"op":"keys","reader":R,"keys":K}` types keys (`0`-`9`, `*`, `#`)
/// at a reader's keypad: the PIN's decision, or `pin_wanted` with the digits so far. `{"op":"input","name":N,"level":"high"|"low"}` sets a
/// simulated input. `{"op":"mode","mode":"normal"|"lockdown"|"evacuation","zones":[…]?}`
/// changes the mode; `{"op":"muster"}` stores and returns the muster list.
/// `{"op":"bundle_apply","path":P}` applies the bundle file P on the bundle thread (origin
/// `local`): lines of `{"progress":…}`, then the reply. `{"op":"reload_plan"}` reads the daemon's configuration file
/// as SIGHUP would and answers what reloading it would do. `{"op":"status"}` answers the daemon's
/// live state (``DaemonPanel``). `{"op":"ping"}` checks that the daemon answers.
enum ControlRequest: Equatable {
    case present(reader: String, Presentation)
    case keys(reader: String, keys: String)
    case input(name: String, high: Bool)
    case mode(ModeRequest)
    case muster
    /// Apply the bundle file at `path` (absolute) on the bundle thread, as origin `local`.
    case bundleApply(path: String)
    case reloadPlan
    case status
    case ping

    /// Whether it changes what the device decides by: only root and control.group may ask.
    var changesPolicy: Bool {
        switch self {
        case .mode, .bundleApply: true
        default: false
        }
    }

    init(line: [UInt8]) throws(DaemonError) {
        guard case .object(let object)? = try? JSONReader.parse(line) else {
            throw DaemonError(.request, "the request is not a JSON object")
        }
        func text(_ key: String) throws(DaemonError) -> String {
            guard case .string(let value)? = object[key] else {
                throw DaemonError(.request, "`\(key)`: expected a string")
            }
            return value
        }
        switch try text("op") {
        case "ping":
            self = .ping
        case "status":
            self = .status
        case "muster":
            self = .muster
        case "bundle_apply":
            let path = try text("path")
            guard path.hasPrefix("/") else { throw DaemonError(.request, "`path`: expected an absolute path, got \"\(path.prefix(80))\"") }
            self = .bundleApply(path: path)
        case "reload_plan":
            self = .reloadPlan
        case "mode":
            let name = try text("mode")
            guard let kind = DeviceMode.Kind(rawValue: name) else {
                throw DaemonError(.request, "`mode`: expected normal, lockdown or evacuation, got \"\(name.prefix(20))\"")
            }
            var zones: [String]?
            switch object["zones"] {
            case nil, .null?: break
            case .array(let items)?:
                zones = try items.map { item throws(DaemonError) in
                    guard case .string(let zone) = item, Identifier.isValid(zone) else {
                        throw DaemonError(.request, "`zones`: expected zone ids")
                    }
                    return zone
                }
            default: throw DaemonError(.request, "`zones`: expected an array of zone ids")
            }
            var drill = false
            switch object["drill"] {
            case nil, .null?: break
            case .bool(let value)?: drill = value
            default: throw DaemonError(.request, "`drill`: expected true or false")
            }
            if drill, kind != .evacuation { throw DaemonError(.request, "`drill` is for mode evacuation") }
            self = .mode(ModeRequest(kind, zones: zones, drill: drill))
        case "input":
            let name = try text("name")
            switch try text("level") {
            case "high": self = .input(name: name, high: true)
            case "low": self = .input(name: name, high: false)
            case let other: throw DaemonError(.request, "`level`: expected high or low, got \"\(other.prefix(20))\"")
            }
        case "present":
            let reader = try text("reader")
            let value = try text("value")
            switch try text("format") {
            case "uid":
                guard let uid = BadgeUID.normalize(value) else {
                    throw DaemonError(.request, "`value`: expected a UID of 4 to 20 bytes in hex")
                }
                self = .present(reader: reader, .credential(format: .uid, value: uid))
            case "card":
                guard let card = CardNumber.normalize(value) else {
                    throw DaemonError(.request, "`value`: expected a card number (FACILITY:NUMBER or NUMBER in decimal, or raw:BITS:HEX)")
                }
                self = .present(reader: reader, .credential(format: .card, value: card))
            case "code":
                guard !value.isEmpty else { throw DaemonError(.request, "`value`: the code is empty") }
                self = .present(reader: reader, Presentation.scanned(value))
            case let other:
                throw DaemonError(.request, "`format`: expected uid, card or code, got \"\(other.prefix(20))\"")
            }
        case "keys":
            let reader = try text("reader")
            let keys = try text("keys")
            // Never echoed: they may be a PIN.
            guard (1...32).contains(keys.count), keys.allSatisfy({ "0123456789*#".contains($0) }) else {
                throw DaemonError(.request, "`keys`: expected 1 to 32 of 0-9, * and #")
            }
            self = .keys(reader: reader, keys: keys)
        case let other:
            throw DaemonError(.request, "`op`: unknown operation \"\(other.prefix(20))\"")
        }
    }

    /// The reply to a presentation: the fields of `gatehouse simulate --json`.
    static func reply(_ outcome: AccessOutcome) -> JSONObject {
        func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
        let decision = outcome.decision, request = outcome.request
        return JSONObject([
            ("ok", .bool(true)),
            ("decision", .string(outcome.waitsForPIN ? "pin_wanted" : outcome.waitsForCompanion ? "companion_wanted" : decision.reason == .mustered ? "mustered" : decision.granted ? "granted" : "denied")),
            ("reason", .string(decision.reason.rawValue)),
            ("door", optional(request.door?.id)),
            ("zone", optional(request.door?.zone)),
            ("direction", .string(request.direction.rawValue)),
            ("reader", .string(request.reader)),
            ("person", optional(decision.person)),
            ("kind", optional(decision.kind)),
            ("invite", optional(decision.invite)),
            ("event_id", optional(outcome.eventID)),
            ("seq", outcome.events.first.map { .integer($0.seq) } ?? .null),
            ("events", .array(outcome.events.map { .string($0.type) })),
        ])
    }

    /// The reply to a mode change or a muster: the mode now, and each stored event whole (the
    /// muster list is the `data` of its event).
    static func reply(_ stored: [StoredEvent], mode: DeviceMode) -> JSONObject {
        JSONObject([
            ("ok", .bool(true)),
            ("mode", .string(mode.kind.rawValue)),
            ("zones", mode.zones.map { .array($0.map(JSONValue.string)) } ?? .null),
            ("changed", .bool(!stored.isEmpty)),
            ("events", .array(stored.map { (try? JSONReader.parse(Array($0.payload.utf8))) ?? .string($0.type) })),
        ])
    }

    /// A line of progress of a bundle being applied, before its reply.
    static func progress(_ progress: BundleProgress) -> JSONObject {
        JSONObject([
            ("progress", .object(JSONObject([
                ("bytes_read", .integer(progress.bytesRead)), ("total_bytes", progress.totalBytes.map(JSONValue.integer) ?? .null),
                ("records", .integer(progress.records)),
            ]))),
        ])
    }

    /// The reply to a bundle apply: what became of it.
    static func reply(_ report: BundleReport) -> JSONObject {
        switch report {
        case .applied(let manifest):
            return JSONObject([
                ("ok", .bool(true)), ("result", .string("applied")), ("version", .integer(manifest.version)),
                ("kind", .string(manifest.kind.rawValue)), ("records", .integer(manifest.records)),
            ])
        case .noop(let manifest):
            return JSONObject([("ok", .bool(true)), ("result", .string("noop")), ("version", .integer(manifest.version))])
        case .refused(let refusal):
            var reply = failure(DaemonError(.request, "refused: \(refusal.reason.rawValue): \(refusal.detail)"))
            reply.members.append(("refusal", .object(JSONObject([("reason", .string(refusal.reason.rawValue)), ("detail", .string(refusal.detail))]))))
            return reply
        case .failed(let error):
            return failure(DaemonError(.store, "\(error)"))
        }
    }

    static func failure(_ error: DaemonError) -> JSONObject {
        JSONObject([
            ("ok", .bool(false)),
            ("error", .object(JSONObject([("code", .string(error.code.description)), ("message", .string(error.message))]))),
        ])
    }
}
