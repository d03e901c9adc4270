/// The events of doors, turnstiles and the inputs that watch them.
extension EventFactory {
    /// `access.passage` or `access.no_passage`: whether a grant was used, and whose it was.
    public func passage(_ used: Bool, door: DoorConfig, ticket: PassageTicket, at time: Timestamp, id: String) -> PendingEvent {
        PendingEvent(
            id: id, type: used ? .accessPassage : .accessNoPassage, time: time, subject: door.id,
            data: JSONObject([
                ("door", .string(door.id)), ("zone", .string(door.zone)), ("kind", .string(door.kind.rawValue)),
                ("direction", .string(ticket.direction.rawValue)), ("reader", Self.optional(ticket.reader)),
                ("person", Self.optional(ticket.person)), ("invite", Self.optional(ticket.invite)),
            ]))
    }

    /// `alarm.door_forced`: the door opened, or the turnstile turned, without a grant or an exit request.
    public func doorForced(_ door: DoorConfig, at time: Timestamp, id: String) -> PendingEvent {
        PendingEvent(
            id: id, type: .alarmDoorForced, time: time, subject: door.id,
            data: JSONObject([("door", .string(door.id)), ("zone", .string(door.zone)), ("kind", .string(door.kind.rawValue))]))
    }

    /// `alarm.door_held`: the door stood open longer than its held-open time.
    public func doorHeld(_ door: DoorConfig, at time: Timestamp, id: String) -> PendingEvent {
        PendingEvent(
            id: id, type: .alarmDoorHeld, time: time, subject: door.id,
            data: JSONObject([("door", .string(door.id)), ("zone", .string(door.zone)), ("held_open_s", .integer(Int64(door.heldOpenSeconds)))]))
    }

    /// `alarm.tamper`, with `state` `tampered` when the tamper input goes active and
    /// `restored` when it goes back, like `reader_fault`.
    /// `alarm.tamper` from a reader's own tamper switch (an OSDP reader's status), the reader as subject.
    public func readerTamper(_ reader: String, active: Bool, at time: Timestamp, id: String) -> PendingEvent {
        PendingEvent(
            id: id, type: .alarmTamper, time: time, subject: reader,
            data: JSONObject([("reader", .string(reader)), ("state", .string(active ? "tampered" : "restored"))]))
    }

    public func tamper(_ input: InputLineConfig, active: Bool, at time: Timestamp, id: String) -> PendingEvent {
        PendingEvent(
            id: id, type: .alarmTamper, time: time, subject: input.id,
            data: JSONObject([("input", .string(input.id)), ("state", .string(active ? "tampered" : "restored"))]))
    }
}
