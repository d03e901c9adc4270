/// What happens on the link to the site broker, as an MQTT client reports it.
public enum BrokerEvent: Sendable, Equatable {
    /// The broker answered the CONNECT: accepted (code 0) or refused (its reason code).
    case connected(code: Int32)
    /// The connection is open (TLS included) and CONNECT went out; the broker has not answered.
    case connectSent
    /// A connection attempt failed before the broker answered (refused, TLS, DNS).
    case connectFailed(message: String)
    /// The connection ended: code 0 when asked for, anything else when lost.
    case disconnected(code: Int32)
    /// The broker acknowledged a QoS 1 publish (PUBACK) with this message id.
    case acknowledged(messageID: Int32)
    /// The broker refused a QoS 1 publish: an MQTT 5 PUBACK with a failure reason code (0x87:
    /// not authorized). MQTT 3.1.1 cannot say so: a 3.1.1 broker drops such a message silently.
    case publishRefused(messageID: Int32, reasonCode: Int32)
    /// The broker refused a subscription (its SUBACK's failure code).
    case subscriptionRefused(filter: String)
    case subscribed(messageID: Int32)
    case message(topic: String, payload: [UInt8], retained: Bool)
}

/// An MQTT client as the device's link uses it: `GatehouseMQTT`'s libmosquitto client or its
/// simulated twin. Events reach the handler the client was made with, on the client's thread,
/// and may come before the call that caused them returns.
public protocol BrokerPort: AnyObject, Sendable {
    /// Starts connecting; the client reconnects by itself until ``stop(timeout:)``.
    func start()
    /// Publishes at QoS 1 and returns the message id its ``BrokerEvent/acknowledged(messageID:)``
    /// will carry.
    func publish(_ topic: String, _ payload: [UInt8], retain: Bool) throws -> Int32
    /// Disconnects cleanly (no will) and ends the client's thread, waiting up to `timeout` seconds.
    func stop(timeout: Double)
    /// The broker's words for an MQTT 5 reason code (a refused publish's).
    func describe(reasonCode: Int32) -> String
    /// The broker's words for a refused CONNECT's code.
    func describe(connectCode: Int32) -> String
    /// The client library's words for why a connection dropped.
    func describe(disconnectCode: Int32) -> String
}
