import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseDaemon
import GatehouseMQTT
import GatehouseStore
import GatehouseTesting
import Synchronization
import Testing

@Suite("The link against the simulated broker, which acknowledges every publish before it returns")
struct SimulatedLinkTests {
    @Test("each event is published once and marked published; nothing goes out while disconnected; a command is acked")
    func earlyAcknowledgements() async throws {
        let fixture = try DaemonFixture(mqtt: "mqtt://127.0.0.1:1883")
        let config = try ConfigFile.loadForDaemon(fixture.config).config
        let twin = Mutex<SimulatedBroker?>(nil)
        var dependencies = DaemonDependencies.inProcess()
        dependencies.broker = { _, handler in
            let broker = SimulatedBroker(handler: handler)
            twin.withLock { $0 = broker }
            return broker
        }
        let broker = try await withDaemon(config: config, dependencies: dependencies) { daemon in
            let broker = try #require(twin.withLock { $0 })
            func seqs() -> [Int64] {
                broker.published.filter { $0.topic.contains("/events/") }.compactMap { publication in
                    guard case .object(let event)? = try? JSONReader.parse(String(decoding: publication.payload, as: UTF8.self)) else { return nil }
                    return event.integer("seq")
                }
            }
            func store(_ count: Int) throws {
                let time = WallClock.now()
                try daemon.eventLog.commit((0..<count).map { _ in PendingEvent(id: EventID.make(at: time), type: .accessDenied, time: time, subject: "gate", data: JSONObject()) })
            }

            // system.bundle_applied of the bundle applied before the start, system.started, then 300.
            try store(300)  // more than one window
            #expect(try waitUntil { seqs().count == 302 })
            // seq 1 (the bundle applied before the start) may be the backlog, after live events.
            #expect(seqs().sorted() == Array(1...302))
            let outbox = Outbox(database: try GatehouseDatabase(path: daemon.config.database))
            #expect(try waitUntil { try outbox.unpublishedCount() == 0 })

            broker.disconnect()
            try store(3)
            try await Task.sleep(for: .milliseconds(200))
            #expect(seqs().count == 302)
            broker.reconnect()
            #expect(try waitUntil { seqs().count == 305 })
            #expect(seqs().sorted() == Array(1...305))

            let key = try SigningKey(contentsOf: fixture.site.directory.file("site/keys/private/command.jwk"))
            let now = Double(WallClock.now().numericDate)
            let ping = try await key.sign(CommandClaims(aud: Audience(["acme"]), jti: "ping-1", iat: now, exp: now + 60, sub: "test", cmd: "ping"))
            broker.deliver(topic: "gatehouse/v1/acme/all/cmd/ping", payload: Array(ping.utf8))
            #expect(try waitUntil { broker.published.contains { $0.topic.hasSuffix("/ack") && String(decoding: $0.payload, as: UTF8.self).contains("\"ping-1\"") } })
            #expect(broker.published.first { $0.topic.hasSuffix("/status") }?.retain == true)
            return broker
        }
        // Shut down in order: the link said offline last.
        let offline = broker.published.last { $0.topic.hasSuffix("/status") }
        #expect(offline.map { String(decoding: $0.payload, as: UTF8.self).contains("\"offline\"") } == true)
    }
}
