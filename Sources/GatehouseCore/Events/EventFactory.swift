/// Turns decisions and state changes into events (protocol section 5). Raw credential values
/// appear only as their fingerprint.
public struct EventFactory: Sendable {
    public var site: String
    public var device: String

    public init(site: String, device: String) {
        self.site = site
        self.device = device
    }

    /// The access event of a decision, then the visitor events its effects imply.
    public func events(for decision: AccessDecision, request: AccessRequest, effects: [RuntimeEffect], mode: DeviceMode, makeID: (Timestamp) -> String) -> [PendingEvent] {
        let subject = request.door?.id ?? request.checkpoint ?? request.reader
        var events = [
            PendingEvent(
                id: makeID(request.time), type: decision.granted ? .accessGranted : .accessDenied, time: request.time,
                subject: subject, data: accessData(decision, request: request, mode: mode))
        ]
        for effect in effects {
            switch effect {
            case .checkedIn(let invite, let time):
                events.append(visitorEvent(.visitorCheckedIn, invite: invite, decision: decision, request: request, time: time, makeID: makeID))
            case .checkedOut(let invite, let time):
                events.append(visitorEvent(.visitorCheckedOut, invite: invite, decision: decision, request: request, time: time, makeID: makeID))
            default:
                continue
            }
        }
        return events
    }

    /// `data` of an access event.
    public func accessData(_ decision: AccessDecision, request: AccessRequest, mode: DeviceMode) -> JSONObject {
        var credential: [(key: String, value: JSONValue)] = [
            ("format", .string(request.presentation.formatName)),
            ("id", decision.credential.map(JSONValue.string) ?? .null),
            ("fingerprint", .string(request.presentation.fingerprint(site: site))),
        ]
        if case .token = request.presentation { credential[1] = ("id", .null) }
        var members: [(key: String, value: JSONValue)] = [
            ("decision", .string(decision.granted ? "granted" : "denied")),
            ("reason", .string(decision.reason.rawValue)),
            ("door", Self.optional(request.door?.id)),
            ("zone", Self.optional(request.door?.zone)),
            ("direction", .string(request.direction.rawValue)),
            ("reader", .string(request.reader)),
            ("person", Self.optional(decision.person)),
            ("kind", Self.optional(decision.kind)),
            ("invite", Self.optional(decision.invite)),
            ("mode", .string(mode.kind.rawValue)),
            ("credential", .object(JSONObject(credential))),
        ]
        var flags: [JSONValue] = []
        if decision.passbackViolation { flags.append(.string("anti_passback")) }
        if decision.fromStalePolicy { flags.append(.string("policy_stale")) }
        if !flags.isEmpty { members.append(("flags", .array(flags))) }
        return JSONObject(members)
    }

    private func visitorEvent(_ type: EventType, invite: String, decision: AccessDecision, request: AccessRequest, time: Timestamp, makeID: (Timestamp) -> String) -> PendingEvent {
        PendingEvent(
            id: makeID(time), type: type, time: time, subject: request.door?.id ?? request.reader,
            data: JSONObject([
                ("invite", .string(invite)), ("kind", Self.optional(decision.kind)),
                ("door", Self.optional(request.door?.id)), ("zone", Self.optional(request.door?.zone)),
                ("reader", .string(request.reader)),
            ]))
    }

    /// `system.started`: the software and the bundle the device starts with.
    public func started(software: String, bundle: Int64?, mode: DeviceMode, at time: Timestamp, id: String) -> PendingEvent {
        PendingEvent(
            id: id, type: .systemStarted, time: time, subject: device,
            data: JSONObject([
                ("software", .string(software)), ("bundle", bundle.map(JSONValue.integer) ?? .null),
                ("mode", .string(mode.kind.rawValue)),
            ]))
    }

    /// `alarm.policy_stale`: the bundle's `expires` has passed.
    public func policyStale(_ bundle: AppliedBundle, at time: Timestamp, id: String) -> PendingEvent {
        PendingEvent(
            id: id, type: .alarmPolicyStale, time: time, subject: device,
            data: JSONObject([
                ("bundle", .integer(bundle.version)), ("expires", Self.optional(bundle.expires?.rfc3339)),
            ]))
    }

    /// `alarm.repeated_denials`: `count` denials in a row at one reader.
    public func repeatedDenials(reader: String, door: String?, count: Int, at time: Timestamp, id: String) -> PendingEvent {
        PendingEvent(
            id: id, type: .alarmRepeatedDenials, time: time, subject: reader,
            data: JSONObject([("reader", .string(reader)), ("door", Self.optional(door)), ("count", .integer(Int64(count)))]))
    }

    /// `emergency.mode_changed`.
    public func modeChanged(from old: DeviceMode, to new: DeviceMode, by origin: String, at time: Timestamp, id: String) -> PendingEvent {
        PendingEvent(
            id: id, type: .emergencyModeChanged, time: time, subject: device,
            data: JSONObject([
                ("mode", .string(new.kind.rawValue)), ("previous", .string(old.kind.rawValue)),
                ("zones", new.zones.map { .array($0.map(JSONValue.string)) } ?? .null),
                ("origin", .string(origin)),
            ]))
    }

    static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
}
