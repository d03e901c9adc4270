/// The events of a reader's health: one `alarm.reader_fault` when it fails, and the same type
/// with `state` `recovered` when it works again (the contract has no type of its own for that).
extension EventFactory {
    /// `alarm.reader_fault` with `state` `fault`: the reader could not be opened or stopped answering.
    public func readerFault(_ reader: ReaderConfig, connection: String, fault: ReaderFault, at time: Timestamp, id: String) -> PendingEvent {
        PendingEvent(
            id: id, type: .alarmReaderFault, time: time, subject: reader.id,
            data: JSONObject([
                ("reader", .string(reader.id)), ("door", Self.optional(reader.door)), ("state", .string("fault")),
                ("reason", .string(fault.reason.rawValue)), ("detail", .string(fault.detail)), ("connection", .string(connection)),
            ]))
    }

    /// `alarm.reader_fault` with `state` `recovered`, and how long the reader was down.
    public func readerRecovered(_ reader: ReaderConfig, connection: String, downMilliseconds: Int64, at time: Timestamp, id: String) -> PendingEvent {
        PendingEvent(
            id: id, type: .alarmReaderFault, time: time, subject: reader.id,
            data: JSONObject([
                ("reader", .string(reader.id)), ("door", Self.optional(reader.door)), ("state", .string("recovered")),
                ("down_ms", .integer(downMilliseconds)), ("connection", .string(connection)),
            ]))
    }
}
