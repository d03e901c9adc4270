import Foundation
import GatehouseCore
import GatehouseMQTT
import Synchronization

/// Collects an MQTT client's events for a test to wait on.
public final class MQTTRecorder: Sendable {
    private let events = Mutex<[MQTTClient.Event]>([])

    public init() {}

    public func record(_ event: MQTTClient.Event) { events.withLock { $0.append(event) } }

    public var all: [MQTTClient.Event] { events.withLock { $0 } }

    /// Waits up to `seconds` until `condition` holds for the events so far.
    public func wait(seconds: TimeInterval = 20, until condition: ([MQTTClient.Event]) -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while Date() < deadline {
            if condition(all) { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return condition(all)
    }

    public var messages: [(topic: String, payload: String, retained: Bool)] {
        all.compactMap { event in
            if case .message(let topic, let payload, let retained) = event { (topic, String(decoding: payload, as: UTF8.self), retained) } else { nil }
        }
    }

    public var acknowledged: Set<Int32> {
        Set(all.compactMap { event in if case .acknowledged(let id) = event { id } else { nil } })
    }

    public var connections: Int { all.filter { $0 == .connected(code: 0) }.count }

    public var failedAttempts: Int { all.filter { if case .connectFailed = $0 { true } else { false } }.count }

    /// Attempts that ended without a session: a TLS handshake that fails may end either in the
    /// connect call (`connectFailed`) or later in the network loop (`disconnected`), depending on
    /// how far libmosquitto got before the refusal.
    public var refusedAttempts: Int {
        failedAttempts + all.filter { if case .disconnected = $0 { true } else { false } }.count
    }
}
