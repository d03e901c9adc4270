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
    /// `fingerprint` is the presentation's, when the caller already has it.
    public func events(
        for decision: AccessDecision, request: AccessRequest, effects: [RuntimeEffect], mode: DeviceMode, fingerprint: String? = nil,
        makeID: (Timestamp) -> String
    ) -> [PendingEvent] {
        let subject = request.door?.id ?? request.checkpoint ?? request.reader
        var events = [
            PendingEvent(
                id: makeID(request.time), type: decision.granted ? .accessGranted : .accessDenied, time: request.time,
                subject: subject, data: accessData(decision, request: request, mode: mode, fingerprint: fingerprint))
        ]
        events += visitorEvents(for: effects, kind: decision.kind, door: request.door, reader: request.reader, makeID: makeID)
        return events
    }

    /// `data` of an access event.
    public func accessData(_ decision: AccessDecision, request: AccessRequest, mode: DeviceMode, fingerprint: String? = nil) -> JSONObject {
        var credential: [(key: String, value: JSONValue)] = [
            ("format", .string(request.presentation.formatName)),
            ("id", decision.credential.map(JSONValue.string) ?? .null),
            ("fingerprint", .string(fingerprint ?? request.presentation.fingerprint(site: site))),
            ("authenticated", .bool(request.presentation.isAuthenticated)),
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
        if let companion = decision.companion { members.append(("companion", .string(companion))) }
        var flags: [JSONValue] = []
        if decision.passbackViolation { flags.append(.string("anti_passback")) }
        if decision.fromStalePolicy { flags.append(.string("policy_stale")) }
        if !flags.isEmpty { members.append(("flags", .array(flags))) }
        return JSONObject(members)
    }

    /// `visitor.checked_in` and `visitor.checked_out` for the check-ins and check-outs among
    /// `effects`, at a grant or at the passage that used it.
    public func visitorEvents(for effects: [RuntimeEffect], kind: String?, door: DoorConfig?, reader: String?, makeID: (Timestamp) -> String) -> [PendingEvent] {
        effects.compactMap { effect in
            let (type, invite, time): (EventType, String, Timestamp)
            switch effect {
            case .checkedIn(let id, let at): (type, invite, time) = (.visitorCheckedIn, id, at)
            case .checkedOut(let id, let at): (type, invite, time) = (.visitorCheckedOut, id, at)
            default: return nil
            }
            return PendingEvent(
                id: makeID(time), type: type, time: time, subject: door?.id ?? reader ?? device,
                data: JSONObject([
                    ("invite", .string(invite)), ("kind", Self.optional(kind)),
                    ("door", Self.optional(door?.id)), ("zone", Self.optional(door?.zone)),
                    ("reader", Self.optional(reader)),
                ]))
        }
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

    /// `alarm.clock_suspect`: the system clock read `systemTime`, behind the clock floor
    /// (contract 7.4); the device decides with the floor.
    public func clockSuspect(systemTime: Timestamp, floor: Timestamp, id: String) -> PendingEvent {
        PendingEvent(
            id: id, type: .alarmClockSuspect, time: floor, subject: device,
            data: JSONObject([("system_time", .string(systemTime.rfc3339)), ("floor", .string(floor.rfc3339))]))
    }

    /// `alarm.repeated_denials`: `count` denials in a row at one reader.
    public func repeatedDenials(reader: String, door: String?, count: Int, at time: Timestamp, id: String) -> PendingEvent {
        PendingEvent(
            id: id, type: .alarmRepeatedDenials, time: time, subject: reader,
            data: JSONObject([("reader", .string(reader)), ("door", Self.optional(door)), ("count", .integer(Int64(count)))]))
    }

    /// `alarm.duress`: the access data of the grant a duress PIN made (contract 7.2).
    public func duress(_ decision: AccessDecision, request: AccessRequest, mode: DeviceMode, fingerprint: String, id: String) -> PendingEvent {
        PendingEvent(
            id: id, type: .alarmDuress, time: request.time, subject: request.door?.id ?? request.reader,
            data: accessData(decision, request: request, mode: mode, fingerprint: fingerprint))
    }

    /// `alarm.repeated_denials` for a credential locked after wrong PINs (contract 7.2): the
    /// reader's fields, the reason, the credential's fingerprint and the end of the lockout.
    public func pinLockout(reader: String, door: String?, count: Int, fingerprint: String, until: Timestamp, at time: Timestamp, id: String) -> PendingEvent {
        PendingEvent(
            id: id, type: .alarmRepeatedDenials, time: time, subject: reader,
            data: JSONObject([
                ("reader", .string(reader)), ("door", Self.optional(door)), ("count", .integer(Int64(count))), ("reason", .string("pin_wrong")),
                ("credential", .object(JSONObject([("fingerprint", .string(fingerprint))]))), ("locked_until", .string(until.rfc3339)),
            ]))
    }

    /// `emergency.mode_changed`.
    public func modeChanged(from old: DeviceMode, to new: DeviceMode, by origin: String, at time: Timestamp, id: String) -> PendingEvent {
        PendingEvent(
            id: id, type: .emergencyModeChanged, time: time, subject: device,
            data: JSONObject([
                ("mode", .string(new.kind.rawValue)), ("previous", .string(old.kind.rawValue)),
                ("zones", new.zones.map { .array($0.map(JSONValue.string)) } ?? .null),
                ("previous_zones", old.zones.map { .array($0.map(JSONValue.string)) } ?? .null),
                ("origin", .string(origin)),
            ] + (new.drill || old.drill ? [("drill", .bool(true))] : [])))
    }

    static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
}
