import GatehouseCore

/// How an ``MQTTClient`` connects: the broker, the session, credentials, TLS and the will.
public struct MQTTClientOptions: Sendable, Equatable {
    /// MQTT 3.1.1 or 5, as the configuration names them.
    public typealias ProtocolVersion = MQTTConfig.ProtocolVersion

    /// A message the broker publishes for the client when the connection is lost.
    public struct Will: Sendable, Equatable {
        public var topic: String
        public var payload: [UInt8]
        public var retain: Bool

        public init(topic: String, payload: [UInt8], retain: Bool) {
            self.topic = topic
            self.payload = payload
            self.retain = retain
        }
    }

    public var clientID: String
    public var host: String
    public var port: Int
    public var keepaliveSeconds: Int = 30
    public var protocolVersion: ProtocolVersion = .v5
    /// A persistent session (clean session off): subscriptions and QoS 1 messages in flight
    /// survive reconnects.
    public var persistentSession = true
    /// With MQTT 5, how long the broker keeps the session after the connection ends.
    public var sessionExpirySeconds: UInt32 = 7 * 86_400
    public var username: String?
    public var password: String?
    /// TLS (`mqtts://`): verifies the broker's certificate and host name.
    public var usesTLS = false
    /// The CA file that signs the broker's certificate; nil takes the system's CAs.
    public var caFile: String?
    /// With ``keyFile``, the client's certificate for mutual TLS.
    public var certificateFile: String?
    public var keyFile: String?
    public var will: Will?
    /// Topic filters subscribed to at QoS 1 after every accepted connection.
    public var subscriptions: [String] = []
    /// The most QoS 1 messages in flight at once; libmosquitto queues the rest.
    public var maximumInflight = 256
    /// The first reconnect delay's upper bound, doubled after each failure up to the maximum.
    public var reconnectDelayMilliseconds = 1000
    public var maximumReconnectDelaySeconds = 60

    public init(clientID: String, host: String, port: Int) {
        self.clientID = clientID
        self.host = host
        self.port = port
    }
}
