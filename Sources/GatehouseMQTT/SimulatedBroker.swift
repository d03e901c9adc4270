import GatehouseCore
import Synchronization

/// The MQTT client's simulated twin, for tests and demos without a broker: it connects at
/// ``start()``, acknowledges every publish before `publish` returns (the hardest order for a
/// caller), keeps what was published, and lets a test deliver messages, drop the connection
/// and restore it.
public final class SimulatedBroker: BrokerPort {
    /// One message the client published.
    public struct Publication: Sendable, Equatable {
        public var topic: String
        public var payload: [UInt8]
        public var retain: Bool
    }

    private struct State {
        var connected = false
        var nextMessageID: Int32 = 1
        var published: [Publication] = []
    }

    private let state = Mutex(State())
    private let handler: @Sendable (BrokerEvent) -> Void

    public init(handler: @escaping @Sendable (BrokerEvent) -> Void) {
        self.handler = handler
    }

    public func start() { reconnect() }

    /// Records the message and acknowledges it at once; refused while disconnected.
    public func publish(_ topic: String, _ payload: [UInt8], retain: Bool) throws -> Int32 {
        let messageID = try state.withLock { state throws(MQTTError) -> Int32 in
            guard state.connected else { throw MQTTError(.publish, "\(topic): the simulated broker is disconnected") }
            defer { state.nextMessageID += 1 }
            state.published.append(Publication(topic: topic, payload: payload, retain: retain))
            return state.nextMessageID
        }
        handler(.acknowledged(messageID: messageID))
        return messageID
    }

    public func stop(timeout: Double) {
        state.withLock { $0.connected = false }
    }

    public func describe(connectCode: Int32) -> String { "simulated refusal \(connectCode)" }
    public func describe(reasonCode: Int32) -> String { "simulated reason \(reasonCode)" }
    public func describe(disconnectCode: Int32) -> String { disconnectCode == 7 ? "The connection was lost." : "simulated drop \(disconnectCode)" }

    /// Everything published so far, in order.
    public var published: [Publication] { state.withLock { $0.published } }

    /// Hands the client a message, as the broker would for a subscription.
    public func deliver(topic: String, payload: [UInt8], retained: Bool = false) {
        handler(.message(topic: topic, payload: payload, retained: retained))
    }

    /// Drops the connection, as a broker going away does.
    public func disconnect() {
        state.withLock { $0.connected = false }
        handler(.disconnected(code: 7))
    }

    /// Connects (again).
    public func reconnect() {
        state.withLock { $0.connected = true }
        handler(.connectSent)
        handler(.connected(code: 0))
    }
}
