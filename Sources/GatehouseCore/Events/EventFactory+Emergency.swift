/// The roll call's events (contract 7.5): `emergency.mustered`, the roll call's part of
/// `emergency.muster`, `emergency.all_clear` and `emergency.drill_report`. In a drill each
/// carries `"drill": true`.
extension EventFactory {
    /// `emergency.mustered`: `occupant` marked safe at `reader`; `zoneLeft` the zone the device
    /// had them in.
    public func mustered(_ occupant: Occupant, reader: String, zoneLeft: String?, drill: Bool, at time: Timestamp, id: String) -> PendingEvent {
        var person: String?, invite: String?
        switch occupant {
        case .person(let id): person = id
        case .invite(let id): invite = id
        }
        return PendingEvent(
            id: id, type: .emergencyMustered, time: time, subject: reader,
            data: JSONObject([
                ("person", Self.optional(person)), ("invite", Self.optional(invite)), ("reader", .string(reader)), ("zone_left", Self.optional(zoneLeft)),
            ] + Self.drillFlag(drill)))
    }

    /// `emergency.all_clear`: no one is unaccounted for in the evacuated zones.
    public func allClear(_ call: RollCall, at time: Timestamp, id: String) -> PendingEvent {
        PendingEvent(
            id: id, type: .emergencyAllClear, time: time, subject: device,
            data: JSONObject([
                ("zones", .array(call.countedZones.map(JSONValue.string))), ("started", .string(call.started.rfc3339)),
                ("cleared", .string((call.cleared ?? time).rfc3339)),
                ("counts", .object(JSONObject(call.countedZones.map { zone in (zone, .integer(Int64(call.roll(of: zone).accounted.count))) }))),
            ] + Self.drillFlag(call.drill)))
    }

    /// `emergency.drill_report`: each zone's count at the start and the seconds until 50 %, 90 %
    /// and 100 % were accounted for (null: never, or no one was counted there).
    public func drillReport(_ call: RollCall, ended: Timestamp, at time: Timestamp, id: String) -> PendingEvent {
        let zones: [JSONValue] = call.countedZones.map { zone in
            let (accounted, unaccounted) = call.roll(of: zone)
            return .object(JSONObject([
                ("zone", .string(zone)), ("count_at_start", .integer(Int64(call.startCounts[zone] ?? 0))),
                ("counted", .integer(Int64(accounted.count + unaccounted.count))), ("unaccounted", .integer(Int64(unaccounted.count))),
                ("s_to_50", call.seconds(toReach: 50, in: zone).map(JSONValue.integer) ?? .null),
                ("s_to_90", call.seconds(toReach: 90, in: zone).map(JSONValue.integer) ?? .null),
                ("s_to_100", call.seconds(toReach: 100, in: zone).map(JSONValue.integer) ?? .null),
            ]))
        }
        return PendingEvent(
            id: id, type: .emergencyDrillReport, time: time, subject: device,
            data: JSONObject([("started", .string(call.started.rfc3339)), ("ended", .string(ended.rfc3339)), ("zones", .array(zones)), ("drill", .bool(true))]))
    }

    /// A zone's roll call as `emergency.muster` shows it.
    static func roll(_ call: RollCall, zone: String) -> [(key: String, value: JSONValue)] {
        func split(_ occupants: [Occupant]) -> JSONValue {
            let people = occupants.compactMap { if case .person(let id) = $0 { JSONValue.string(id) } else { nil } }
            let invites = occupants.compactMap { if case .invite(let id) = $0 { JSONValue.string(id) } else { nil } }
            return .object(JSONObject([("people", .array(people)), ("invites", .array(invites))]))
        }
        let (accounted, unaccounted) = call.roll(of: zone)
        return [("accounted", split(accounted)), ("unaccounted", split(unaccounted))]
    }

    static func drillFlag(_ drill: Bool) -> [(key: String, value: JSONValue)] { drill ? [("drill", .bool(true))] : [] }
}
