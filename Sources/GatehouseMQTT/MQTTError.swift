import GatehouseCore
/// A failure of the MQTT link, with a stable code, translated from libmosquitto's errors.
public typealias MQTTError = CodedError<MQTTErrors>

/// The codes of `MQTTError`.
public enum MQTTErrors: ErrorDomain {
    public static let name = "mqtt"
    public static let codes: [ErrorCode<MQTTErrors>] = [.publish, .setup, .subscribe]
}

extension ErrorCode where Domain == MQTTErrors {
    /// Libmosquitto refused a message.
    public static let publish = ErrorCode("publish")
    /// The client cannot be made (options, TLS files).
    public static let setup = ErrorCode("setup")
    /// The broker subscription cannot be sent.
    public static let subscribe = ErrorCode("subscribe")
}
