/// An event before the store gives it its `seq`: everything of the CloudEvent but that.
public struct PendingEvent: Sendable, Equatable {
    /// A UUIDv7, fixed before the event is stored so that it never changes between tries.
    public var id: String
    public var type: EventType
    public var time: Timestamp
    /// The door, reader or checkpoint id.
    public var subject: String
    public var data: JSONObject

    public init(id: String, type: EventType, time: Timestamp, subject: String, data: JSONObject) {
        self.id = id
        self.type = type
        self.time = time
        self.subject = subject
        self.data = data
    }

    /// The structured-mode CloudEvent 1.0 (protocol section 5), with its `seq`.
    public func cloudEvent(seq: Int64, source: String) -> JSONValue {
        .object(JSONObject([
            ("specversion", .string("1.0")),
            ("id", .string(id)),
            ("source", .string(source)),
            ("type", .string(type.rawValue)),
            ("time", .string(time.rfc3339)),
            ("subject", .string(subject)),
            ("datacontenttype", .string("application/json")),
            ("seq", .integer(seq)),
            ("data", .object(data)),
        ]))
    }

    /// `gatehouse:{site}/{device}`.
    public static func source(site: String, device: String) -> String { "gatehouse:\(site)/\(device)" }
}
