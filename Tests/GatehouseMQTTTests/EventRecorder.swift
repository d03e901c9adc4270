import Foundation
import GatehouseMQTT
import Synchronization

/// Collects a client's events for a test to wait on.
final class EventRecorder: Sendable {
    private let events = Mutex<[MQTTClient.Event]>([])

    func record(_ event: MQTTClient.Event) { events.withLock { $0.append(event) } }

    var all: [MQTTClient.Event] { events.withLock { $0 } }

    /// Waits up to 20 s until `condition` holds for the events so far.
    func wait(until condition: ([MQTTClient.Event]) -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: 20)
        while Date() < deadline {
            if condition(all) { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return condition(all)
    }

    var messages: [(topic: String, payload: String, retained: Bool)] {
        all.compactMap { event in
            if case .message(let topic, let payload, let retained) = event { (topic, String(decoding: payload, as: UTF8.self), retained) } else { nil }
        }
    }

    var acknowledged: Set<Int32> {
        Set(all.compactMap { event in if case .acknowledged(let id) = event { id } else { nil } })
    }

    var connections: Int { all.filter { $0 == .connected(code: 0) }.count }

    var failedAttempts: Int { all.filter { if case .connectFailed = $0 { true } else { false } }.count }
}
