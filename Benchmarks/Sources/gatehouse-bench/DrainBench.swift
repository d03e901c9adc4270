import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseDaemon
import GatehouseMQTT
import GatehouseStore
import GatehouseTesting
import Synchronization

/// Draining a backlog of stored events to a local mosquitto through the daemon's MQTT link,
/// and the latency of live events (presentation to the platform receiving the event) meanwhile.
struct DrainBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drain", abstract: "Time draining an outbox backlog to a local broker, and live events meanwhile.")

    @Option(help: "Events stored before the daemon starts.") var backlog = 100_000
    @Option(help: "Milliseconds between two live presentations during the drain.") var liveInterval = 20
    @Option(help: "The release gatehouse binary.") var gatehouse: String

    /// What the subscriber saw: when each event arrived, by id.
    final class Arrivals: Sendable {
        struct State {
            var count = 0
            var first: ContinuousClock.Instant?
            var last: ContinuousClock.Instant?
            var byID: [String: ContinuousClock.Instant] = [:]
        }
        let state = Mutex(State())

        func record(_ payload: [UInt8]) {
            let now = ContinuousClock.now
            // A stored CloudEvent starts {"specversion":"1.0","id":"<36 characters>".
            let id = payload.count > 63 ? String(decoding: payload[27..<63], as: UTF8.self) : ""
            state.withLock { state in
                state.count += 1
                if state.first == nil { state.first = now }
                state.last = now
                state.byID[id] = now
            }
        }
    }

    func run() async throws {
        let directory = TemporaryDirectory("gatehouse-bench")
        let broker = try MosquittoBroker()
        let configPath = try SiteInitializer(site: "bench", device: "gate-01", mqttURL: "mqtt://127.0.0.1:\(broker.port)").write(to: directory.path)[0]
        let config = try ConfigFile.load(configPath)
        try prefill(config)
        print("backlog: \(backlog) events stored before the daemon starts")
        // The same payloads, for the raw baseline after the drain.
        let payloads = try EventLog(database: try GatehouseDatabase(path: config.database), site: config.site, device: config.device)
            .events(after: 0, limit: backlog).map { Array($0.payload.utf8) }

        let arrivals = Arrivals(), rawArrivals = Arrivals()
        var options = MQTTClientOptions(clientID: "platform", host: "127.0.0.1", port: broker.port)
        options.subscriptions = ["gatehouse/v1/bench/gate-01/events/#", "bench/raw"]
        let subscribed = Atomic<Bool>(false)
        let platform = try MQTTClient(options: options) { event in
            switch event {
            case .message(let topic, let payload, _): (topic == "bench/raw" ? rawArrivals : arrivals).record(payload)
            case .subscribed: subscribed.store(true, ordering: .relaxed)
            default: break
            }
        }
        platform.start()
        while !subscribed.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(10)) }

        let started = ContinuousClock.now
        let daemon = try RunningDaemon(config: configPath, logFile: directory.file("daemon.log"), executable: gatehouse)
        var sent: [String: ContinuousClock.Instant] = [:]
        var round = 0
        // Live presentations while the backlog drains; then wait for everything.
        while arrivals.state.withLock({ $0.count }) < backlog {
            let began = ContinuousClock.now
            let reply = try ControlClient.present(reader: "gate-in", format: "uid", value: Records.uid(round), socket: daemon.socket)
            if let id = reply.string("event_id") { sent[id] = began }
            round += 1
            try await Task.sleep(for: .milliseconds(liveInterval))
            guard ContinuousClock.now - started < .seconds(600) else { throw ValidationError("the drain did not finish in 10 minutes") }
        }
        let expected = backlog + 1 + sent.count  // the backlog, system.started, the live events
        while arrivals.state.withLock({ $0.count }) < expected, ContinuousClock.now - started < .seconds(600) {
            try await Task.sleep(for: .milliseconds(10))
        }
        daemon.stop()

        // The baseline: the same payloads through libmosquitto alone, the same window in flight.
        try RawMosquitto.publish(payloads, topic: "bench/raw", port: Int32(broker.port), window: Int32(config.mqtt?.window ?? 256))
        while rawArrivals.state.withLock({ $0.count }) < payloads.count, ContinuousClock.now - started < .seconds(900) {
            try await Task.sleep(for: .milliseconds(10))
        }
        platform.stop()

        let state = arrivals.state.withLock { $0 }
        guard let first = state.first, let last = state.last else { throw ValidationError("nothing arrived") }
        let drain = Self.seconds(last - first)
        let rawState = rawArrivals.state.withLock { $0 }
        guard let rawFirst = rawState.first, let rawLast = rawState.last else { throw ValidationError("nothing of the raw baseline arrived") }
        let rawRate = Double(rawState.count) / Self.seconds(rawLast - rawFirst), drainRate = Double(state.count) / drain
        print(String(format: "drain: %d events arrived, %.2f s from the first to the last: %.0f events/s (%.2f s from the daemon's start)", state.count, drain, drainRate, Self.seconds(last - started)))
        print(String(format: "raw libmosquitto, the same %d payloads at QoS 1, window %d: %.0f events/s; drain/raw %.2f (target at least 0.70)", rawState.count, config.mqtt?.window ?? 256, rawRate, drainRate / rawRate))
        let latencies = sent.compactMap { id, began in state.byID[id].map { $0 - began } }
        guard !latencies.isEmpty else { throw ValidationError("no live event arrived") }
        let live = Latencies(latencies)
        print(String(format: "live events during the drain: %d, presentation to arrival p50 %.1f ms, p99 %.1f ms, max %.1f ms", latencies.count, live.microseconds(0.5) / 1000, live.microseconds(0.99) / 1000, live.microseconds(1) / 1000))
    }

    /// Stores the backlog as the access thread would, 500 events a transaction.
    private func prefill(_ config: GatehouseConfig) throws {
        let database = try GatehouseDatabase(path: config.database)
        let log = EventLog(database: database, site: config.site, device: config.device)
        let factory = EventFactory(site: config.site, device: config.device)
        let door = DoorConfig(id: "gate", zone: "site", relay: "gate-relay")
        var stored = 0
        while stored < backlog {
            let batch = (stored..<min(backlog, stored + 500)).flatMap { index in
                let request = AccessRequest(reader: "gate-in", door: door, direction: .in, presentation: .credential(format: .uid, value: Records.uid(index)), time: WallClock.now())
                return factory.events(for: AccessDecision(reason: .unknownCredential), request: request, effects: [], mode: .normal, makeID: EventID.make)
            }
            try log.commit(batch)
            stored += batch.count
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

extension JSONObject {
    func string(_ key: String) -> String? {
        if case .string(let value)? = self[key] { return value }
        return nil
    }
}
