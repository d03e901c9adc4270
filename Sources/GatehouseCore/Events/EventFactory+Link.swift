/// The events of the MQTT link: bundles pushed, commands carried out, the outbox filling.
extension EventFactory {
    /// `system.bundle_applied`.
    public func bundleApplied(_ manifest: BundleManifest, via origin: String, at time: Timestamp, id: String) -> PendingEvent {
        PendingEvent(
            id: id, type: .systemBundleApplied, time: time, subject: device,
            data: JSONObject([
                ("version", .integer(manifest.version)), ("kind", .string(manifest.kind.rawValue)),
                ("records", .integer(manifest.records)), ("sha256", .string(manifest.sha256)),
                ("expires", Self.optional(manifest.expires?.rfc3339)), ("origin", .string(origin)),
            ]))
    }

    /// `system.bundle_rejected`, with the refusal's reason code; the version when the manifest
    /// could be read.
    public func bundleRejected(_ refusal: BundleRefusal, via origin: String, at time: Timestamp, id: String) -> PendingEvent {
        PendingEvent(
            id: id, type: .systemBundleRejected, time: time, subject: device,
            data: JSONObject([
                ("reason", .string(refusal.reason.rawValue)), ("detail", .string(refusal.detail)),
                ("version", refusal.manifest.map { JSONValue.integer($0.version) } ?? .null), ("origin", .string(origin)),
            ]))
    }

    /// `alarm.storage_low`: the state directory has `free` bytes, under the threshold.
    public func storageLow(freeBytes: Int64, thresholdBytes: Int64, at time: Timestamp, id: String) -> PendingEvent {
        PendingEvent(
            id: id, type: .alarmStorageLow, time: time, subject: device,
            data: JSONObject([("free_bytes", .integer(freeBytes)), ("threshold_bytes", .integer(thresholdBytes))]))
    }

    /// `alarm.outbox_high`: the unpublished events reached the high-water mark. When the
    /// outbox is at its maximum, `dropped` names the oldest unpublished events deleted to make room.
    public func outboxHigh(unpublished: Int64, highWater: Int64, maximum: Int64, dropped: ClosedRange<Int64>?, at time: Timestamp, id: String) -> PendingEvent {
        var members: [(key: String, value: JSONValue)] = [
            ("unpublished", .integer(unpublished)), ("high_water", .integer(highWater)), ("max", .integer(maximum)),
        ]
        if let dropped {
            members.append(("dropped", .object(JSONObject([
                ("first_seq", .integer(dropped.lowerBound)), ("last_seq", .integer(dropped.upperBound)),
                ("count", .integer(dropped.upperBound - dropped.lowerBound + 1)),
            ]))))
        }
        return PendingEvent(id: id, type: .alarmOutboxHigh, time: time, subject: device, data: JSONObject(members))
    }

    /// The access event of a remote `open`: granted with `granted_remote`, no credential.
    public func remoteOpen(door: DoorConfig, command: RemoteCommand, mode: DeviceMode, at time: Timestamp, id: String) -> PendingEvent {
        PendingEvent(
            id: id, type: .accessGranted, time: time, subject: door.id,
            data: JSONObject([
                ("decision", .string("granted")), ("reason", .string(AccessReason.grantedRemote.rawValue)),
                ("door", .string(door.id)), ("zone", .string(door.zone)), ("direction", .string("in")), ("reader", .null),
                ("person", .null), ("kind", .null), ("invite", .null), ("mode", .string(mode.kind.rawValue)), ("credential", .null),
                ("ordered_by", .string(command.orderedBy)), ("command", .string(command.id)),
            ]))
    }

    /// `emergency.muster`: who is inside each zone, by the device's count, zones sorted.
    /// `orderedBy` is the command's `sub`, `cli:USER`, or `evacuation` when the evacuation
    /// made it; `command` is the command's `jti`, if a command asked for it.
    /// During an evacuation (`rollCall`), each counted zone also carries who is `accounted`
    /// and `unaccounted` for, and the data the roll call's totals and start.
    public func muster(_ state: RuntimeState, orderedBy: String, command: String?, rollCall: RollCall? = nil, at time: Timestamp, id: String) -> PendingEvent {
        var byZone: [String: [Occupant]] = [:]
        for (occupant, zones) in state.zonesByOccupant {
            for zone in zones { byZone[zone, default: []].append(occupant) }
        }
        let names = Set(byZone.keys).union(rollCall?.countedZones ?? []).sorted()
        let zones: [JSONValue] = names.map { zone in
            let occupants = byZone[zone, default: []]
            let people = occupants.compactMap { if case .person(let id) = $0 { id } else { nil } }.sorted()
            let invites = occupants.compactMap { if case .invite(let id) = $0 { id } else { nil } }.sorted()
            var members: [(key: String, value: JSONValue)] = [
                ("zone", .string(zone)), ("count", .integer(Int64(occupants.count))),
                ("people", .array(people.map(JSONValue.string))), ("invites", .array(invites.map(JSONValue.string))),
            ]
            if let rollCall, rollCall.countedZones.contains(zone) { members += Self.roll(rollCall, zone: zone) }
            return .object(JSONObject(members))
        }
        var data: [(key: String, value: JSONValue)] = [
            ("zones", .array(zones)), ("total", .integer(Int64(state.zonesByOccupant.count))),
            ("ordered_by", .string(orderedBy)), ("command", Self.optional(command)),
        ]
        if let rollCall {
            let unaccounted = rollCall.unaccountedCount
            data += [
                ("started", .string(rollCall.started.rfc3339)), ("unaccounted_total", .integer(Int64(unaccounted))),
            ]
            data += Self.drillFlag(rollCall.drill)
        }
        return PendingEvent(id: id, type: .emergencyMuster, time: time, subject: device, data: JSONObject(data))
    }
}
