import Foundation
import GatehouseMQTT
import GatehouseTesting
import Synchronization
import Testing

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
}

@Suite("The libmosquitto client against a real broker")
struct MQTTClientTests {
    func client(_ id: String, _ broker: MosquittoBroker, configure: (inout MQTTClientOptions) -> Void = { _ in }) throws -> (MQTTClient, EventRecorder) {
        var options = MQTTClientOptions(clientID: id, host: "127.0.0.1", port: broker.port)
        configure(&options)
        let recorder = EventRecorder()
        let client = try MQTTClient(options: options) { recorder.record($0) }
        try client.start()
        #expect(recorder.wait { $0.contains(.connected(code: 0)) }, "\(id) did not connect: \(broker.log)")
        return (client, recorder)
    }

    @Test("QoS 1 in order: every publish is acknowledged by its message id and arrives once, in order", arguments: MQTTClientOptions.ProtocolVersion.allCases)
    func publishAndReceive(_ version: MQTTClientOptions.ProtocolVersion) throws {
        let broker = try MosquittoBroker()
        let (subscriber, received) = try client("sub", broker) { $0.protocolVersion = version }
        let subscription = try subscriber.subscribe("gatehouse/v1/acme/gate-01/events/#")
        #expect(received.wait { $0.contains(.subscribed(messageID: subscription)) })
        let (publisher, sent) = try client("pub", broker) { $0.protocolVersion = version }
        var ids: Set<Int32> = []
        for index in 1...200 {
            ids.insert(try publisher.publish("gatehouse/v1/acme/gate-01/events/access", Array("event \(index)".utf8)))
        }
        #expect(sent.wait { ids.isSubset(of: Set($0.compactMap { if case .acknowledged(let id) = $0 { id } else { nil } })) })
        #expect(received.wait { $0.count >= 202 })
        #expect(received.messages.map(\.payload) == (1...200).map { "event \($0)" })
        publisher.stop()
        subscriber.stop()
    }

    @Test("a retained message reaches a later subscriber, marked retained")
    func retained() throws {
        let broker = try MosquittoBroker()
        let (publisher, sent) = try client("device", broker)
        let id = try publisher.publish("gatehouse/v1/acme/gate-01/status", Array(#"{"state":"online"}"#.utf8), retain: true)
        #expect(sent.wait { $0.contains(.acknowledged(messageID: id)) })
        let (subscriber, received) = try client("platform", broker)
        try subscriber.subscribe("gatehouse/v1/acme/+/status")
        #expect(received.wait { !$0.isEmpty && received.messages.count == 1 })
        #expect(received.messages.first?.retained == true && received.messages.first?.payload == #"{"state":"online"}"#)
    }

    @Test("a broker that is not there: the client keeps trying and reports the lost connection")
    func noBroker() throws {
        var options = MQTTClientOptions(clientID: "lonely", host: "127.0.0.1", port: try Self.closedPort())
        options.reconnectDelaySeconds = 1
        let recorder = EventRecorder()
        let client = try MQTTClient(options: options) { recorder.record($0) }
        do {
            try client.start()
            // connect_async may also fail later, on the network thread.
            #expect(recorder.wait { $0.contains { if case .disconnected(let code) = $0 { code != 0 } else { false } } })
        } catch {
            #expect(error.code == "mqtt.connect" && error.message.contains("127.0.0.1:"))
        }
        client.stop()
    }

    /// A port where nothing listens: a broker started and stopped.
    static func closedPort() throws -> Int {
        let broker = try MosquittoBroker()
        return broker.port
    }
}
