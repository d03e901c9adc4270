import Foundation
import GatehouseCore
import Synchronization

/// What a running daemon says of itself on the control socket (`{"op":"status"}`), for
/// `gatehouse status`: the process, the link, each reader's health, each door's state, each
/// line's level, the mode, the clock and the policy in force. What the database holds (the
/// outbox, the last decisions, the records) the command reads itself, daemon or not.
///
/// Nothing here is a secret: reader connections are device paths, the broker is its URL (a
/// password never is in it), and no credential value is kept.
final class DaemonPanel: Sendable {
    private let controller: AccessController
    private let gpio: any GPIOPort
    private let link: MQTTLink?
    private let software: String
    private let clock: DaemonClock
    private let startedAt: Timestamp
    private let startedMonotonic: Int64
    private let readers = Mutex<[ReaderLoop]>([])

    init(controller: AccessController, gpio: any GPIOPort, link: MQTTLink?, software: String, clock: DaemonClock) {
        self.controller = controller
        self.gpio = gpio
        self.link = link
        self.software = software
        self.clock = clock
        startedAt = clock.wall()
        startedMonotonic = clock.monotonic()
    }

    /// The reader threads, once they are made.
    func attach(_ loops: [ReaderLoop]) {
        readers.withLock { $0 = loops }
    }

    /// The reply to `{"op":"status"}`.
    func reply() -> JSONObject {
        let config = controller.configuration
        let status = controller.status
        let optional: (Timestamp?) -> JSONValue = { $0.map { .string($0.rfc3339) } ?? .null }
        var members: [(key: String, value: JSONValue)] = [
            ("ok", .bool(true)),
            ("daemon", .object(JSONObject([
                ("pid", .integer(Int64(getpid()))), ("version", .string(software)), ("started_at", .string(startedAt.rfc3339)),
                ("uptime_s", .integer((clock.monotonic() - startedMonotonic) / 1000)),
            ]))),
        ]
        if let link, let mqtt = config.mqtt {
            let shown = link.health
            members.append(("link", .object(JSONObject([
                ("broker", .string(mqtt.url)), ("protocol", .string(mqtt.protocolVersion.rawValue)), ("state", .string(shown.state)),
                ("since", optional(shown.since)), ("connections", .integer(Int64(shown.connections))),
                ("last_error", shown.lastError.map(JSONValue.string) ?? .null),
            ]))))
        } else {
            members.append(("link", .null))
        }
        let loops = Dictionary(readers.withLock { $0 }.map { ($0.reader.id, $0) }) { first, _ in first }
        members.append(("readers", .array(config.readers.map { reader in
            let shown = loops[reader.id]?.health
            return .object(JSONObject([
                ("id", .string(reader.id)), ("type", .string(Self.type(of: reader))), ("door", reader.door.map(JSONValue.string) ?? .null),
                ("state", .string(shown?.state ?? (reader.source == .simulated ? "ok" : "starting"))), ("since", optional(shown?.since)),
                ("fault", shown?.fault.map(JSONValue.string) ?? .null), ("last_presented", optional(shown?.lastPresented)),
                ("identity", loops[reader.id]?.port.identity.map(JSONValue.string) ?? .null),
                ("card_security", .string(reader.cardSecurity.description)),
            ]))
        })))
        let doors = controller.doorConditions
        members.append(("doors", .array(config.doors.map { door in
            .object(JSONObject([
                ("id", .string(door.id)), ("kind", .string(door.kind.rawValue)), ("zone", .string(door.zone)),
                ("state", .string((doors[door.id] ?? .locked).rawValue)),
            ]))
        })))
        let levels = gpio.lineLevels()
        members.append(("inputs", .array(config.inputs.map { input in
            .object(JSONObject([
                ("id", .string(input.id)), ("role", .string(input.role.rawValue)), ("active", levels.inputs[input.id].map(JSONValue.bool) ?? .null),
            ]))
        })))
        members.append(("outputs", .array(config.outputs.map { output in
            .object(JSONObject([("id", .string(output.id)), ("active", levels.outputs[output.id].map(JSONValue.bool) ?? .null)]))
        })))
        members += [
            ("mode", .string(status.mode.kind.rawValue)),
            ("mode_zones", status.mode.zones.map { .array($0.map(JSONValue.string)) } ?? .null),
            ("clock", .string(status.clockSuspect ? "suspect" : "ok")),
            ("bundle", status.bundle.map(JSONValue.integer) ?? .null),
            ("bundle_stale", .bool(status.staleBundle != nil)),
        ]
        return JSONObject(members)
    }

    /// A reader's `type`, as the configuration names it.
    static func type(of reader: ReaderConfig) -> String {
        switch reader.source {
        case .simulated: "simulated"
        case .nfc: "nfc"
        case .camera: "camera"
        case .simulatedCamera: "camera (simulated)"
        case .serial: "serial"
        case .keyboard: "keyboard"
        case .wiegand: "wiegand"
        case .osdp: "osdp"
        }
    }
}
