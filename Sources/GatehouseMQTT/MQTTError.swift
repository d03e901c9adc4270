/// A failure of the MQTT link, with a stable code, translated from libmosquitto's errors.
public struct MQTTError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `mqtt.setup` (options refused), `mqtt.connect`, `mqtt.publish`, `mqtt.subscribe`.
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
