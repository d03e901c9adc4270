import Foundation
import GatehouseCore
import GatehouseMQTT
import GatehouseTesting
import Testing

/// The HSSE platform's side of the broker, for the link tests: a client subscribed to
/// everything the device publishes, which can push bundles and commands.
final class Platform: Sendable {
    let client: MQTTClient
    let recorder = MQTTRecorder()
    static let root = "gatehouse/v1/acme/gate-01/"

    init(port: Int) throws {
        var options = MQTTClientOptions(clientID: "platform", host: "127.0.0.1", port: port)
        options.subscriptions = [Self.root + "#"]
        options.reconnectDelayMilliseconds = 100
        options.maximumReconnectDelaySeconds = 1
        let recorder = recorder
        client = try MQTTClient(options: options) { recorder.record($0) }
        client.start()
        #expect(recorder.wait { $0.contains { if case .subscribed = $0 { true } else { false } } }, "the platform did not subscribe")
    }

    deinit { client.stop() }

    /// The JSON messages received on `gatehouse/v1/acme/gate-01/{suffix}` (a prefix match), in order.
    func messages(_ suffix: String) -> [JSONObject] {
        recorder.messages.filter { $0.topic.hasPrefix(Self.root + suffix) }.compactMap { message in
            if case .object(let object)? = try? JSONReader.parse(message.payload) { object } else { nil }
        }
    }

    /// The CloudEvents received, duplicates included.
    var events: [JSONObject] { messages("events/") }

    /// The events received, deduplicated by id, in seq order.
    var distinctEvents: [JSONObject] {
        var seen: Set<String> = []
        return events.filter { seen.insert($0.string("id") ?? "").inserted }.sorted { ($0.integer("seq") ?? 0) < ($1.integer("seq") ?? 0) }
    }

    /// Waits up to 30 s until `condition` holds.
    @discardableResult
    func wait(_ what: String, until condition: () -> Bool) -> Bool {
        let ok = recorder.wait(seconds: 30) { _ in condition() }
        #expect(ok, "waited in vain for \(what)")
        return ok
    }

    /// The acks received for `id` (a command's jti, or a bundle version).
    func acks(for id: JSONValue) -> [JSONObject] { messages("ack").filter { $0["id"] == id } }

    func publish(_ topic: String, _ payload: [UInt8], retain: Bool = false) throws {
        let id = try client.publish(topic, payload, retain: retain)
        #expect(recorder.wait { $0.contains(.acknowledged(messageID: id)) })
    }
}
