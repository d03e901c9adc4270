import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseDaemon
import GatehouseMQTT
import GatehouseTesting
import Synchronization

extension SoakBench {
    /// The soak's site: bundles built and applied with the CLI, status and events read with it.
    struct Site {
        let directory: TemporaryDirectory
        let gatehouse: String
        let configPath: String
        let staff: Int

        /// Version `version`'s bundle: a snapshot (the zone, Anna with her grant, staff + version
        /// people), or the delta from the version before, which adds the one person more.
        func build(version: Int, delta: Bool = false) throws -> [UInt8] {
            let lines =
                delta
                ? Records.staff(1, offset: staff + version - 1)
                : [
                    Records.zone("site"), Records.person("anna"), Records.badge("c-anna", person: "anna", uid: SoakBench.anna),
                    Records.grant("g-anna", person: "anna", zones: ["site"]),
                ] + Records.staff(staff + version)
            let input = directory.write("v\(version).jsonl", lines.joined(separator: "\n") + "\n")
            let bundle = directory.file("v\(version).bundle")
            let kind = delta ? ["--kind", "delta", "--base", String(version - 1)] : []
            let built = try Subprocess.run(
                gatehouse, ["bundle", "build", "--out", bundle, "--sign", directory.file("keys/private/bundle.jwk"), "--site", "bench", "--version", String(version)] + kind + [input])
            guard built.status == 0 else { throw ValidationError("build failed: \(built.standardError)") }
            return Array(try Data(contentsOf: URL(fileURLWithPath: bundle)))
        }

        func apply(_ bundle: [UInt8]) throws {
            let path = directory.file("apply.bundle")
            FileManager.default.createFile(atPath: path, contents: Data(bundle))
            let applied = try Subprocess.run(gatehouse, ["bundle", "apply", path, "--config", configPath])
            guard applied.status == 0 else { throw ValidationError("apply failed: \(applied.standardError)") }
        }

        func status() throws -> [String: Any] {
            let output = try Subprocess.run(gatehouse, ["status", "--config", configPath, "--json"])
            return try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any] ?? [:]
        }

        func appliedVersion() throws -> Int { try status()["bundle_version"] as? Int ?? 0 }

        /// Waits up to two minutes until every stored event is published and acknowledged.
        func waitForEmptyOutbox() throws {
            let deadline = Date(timeIntervalSinceNow: 120)
            while (try status()["outbox_depth"] as? Int) != 0 {
                guard Date() < deadline else { throw ValidationError("the outbox did not drain within 2 min") }
                Thread.sleep(forTimeInterval: 0.5)
            }
        }

        func storedEventIDs() throws -> [String] {
            let output = try Subprocess.run(gatehouse, ["events", "--config", configPath, "--json"])
            return output.standardOutput.split(separator: "\n").compactMap { line in
                if case .object(let event)? = try? JSONReader.parse(String(line)) { event.string("id") } else { nil }
            }
        }
    }

    /// The platform's side: a persistent session subscribed to the device's events, keeping ids.
    final class Subscriber: Sendable {
        let client: MQTTClient
        /// The ids received and the publishes acknowledged, shared with the client's callback.
        final class Seen: Sendable {
            let lock = Mutex<(ids: [String], acknowledged: Set<Int32>)>(([], []))
        }
        private let state = Seen()

        init(port: Int) throws {
            var options = MQTTClientOptions(clientID: "soak-platform", host: "127.0.0.1", port: port)
            options.subscriptions = ["gatehouse/v1/bench/gate-01/events/#"]
            options.reconnectDelayMilliseconds = 100
            options.maximumReconnectDelaySeconds = 1
            let state = state
            client = try MQTTClient(options: options) { event in
                switch event {
                case .message(_, let payload, _):
                    if case .object(let object)? = try? JSONReader.parse(String(decoding: payload, as: UTF8.self)), let id = object.string("id") {
                        state.lock.withLock { $0.ids.append(id) }
                    }
                case .acknowledged(let id): state.lock.withLock { _ = $0.acknowledged.insert(id) }
                default: break
                }
            }
            client.start()
        }

        deinit { client.stop() }

        var received: [String] { state.lock.withLock { $0.ids } }

        /// Publishes at QoS 1 and waits up to 30 s for the broker's acknowledgement, publishing
        /// again while the broker is away.
        func publish(_ topic: String, _ payload: [UInt8]) throws {
            let deadline = Date(timeIntervalSinceNow: 30)
            while Date() < deadline {
                if let id = try? client.publish(topic, payload) {
                    let acknowledged = Date(timeIntervalSinceNow: 5)
                    while Date() < acknowledged {
                        if state.lock.withLock({ $0.acknowledged.contains(id) }) { return }
                        Thread.sleep(forTimeInterval: 0.05)
                    }
                } else {
                    Thread.sleep(forTimeInterval: 0.2)
                }
            }
            throw ValidationError("the broker did not take a bundle within 30 s")
        }

        /// Waits up to a minute until every one of `ids` has arrived.
        func waitFor(_ ids: [String]) throws {
            let wanted = Set(ids)
            let deadline = Date(timeIntervalSinceNow: 60)
            while !wanted.isSubset(of: Set(received)), Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        }
    }

    /// Presentations at gate-in at a steady rate on a thread of its own: Anna nine times in ten,
    /// an unknown badge the tenth.
    final class PresentationLoad: Sendable {
        struct Figures { var attempted = 0, answered = 0, failed = 0 }
        let socket: String
        let perMinute: Int
        let unknown: String
        private let state = Mutex<(stop: Bool, figures: Figures)>((false, Figures()))
        private let done = DispatchSemaphore(value: 0)

        init(socket: String, perMinute: Int, unknown: String) {
            (self.socket, self.perMinute, self.unknown) = (socket, perMinute, unknown)
        }

        func start() {
            Thread.detachNewThread { [self] in
                let clock = ContinuousClock()
                let interval = Duration.nanoseconds(60_000_000_000 / Int64(max(perMinute, 1)))
                var next = clock.now
                var count = 0
                while !state.withLock({ $0.stop }) {
                    count += 1
                    let answered = (try? ControlClient.present(reader: "gate-in", format: "uid", value: count % 10 == 0 ? unknown : SoakBench.anna, socket: socket))?["decision"] != nil
                    state.withLock { state in
                        state.figures.attempted += 1
                        if answered { state.figures.answered += 1 } else { state.figures.failed += 1 }
                    }
                    next = next + interval
                    let wait = next - clock.now
                    if wait > .zero { Thread.sleep(forTimeInterval: Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18) }
                }
                done.signal()
            }
        }

        func finish() {
            state.withLock { $0.stop = true }
            done.wait()
        }

        var figures: Figures { state.withLock { $0.figures } }
    }

    /// Stops and starts the broker every `milliseconds` for `seconds`, on a thread of its own.
    final class BrokerFlapper: Sendable {
        let broker: MosquittoBroker
        let milliseconds: Int
        let seconds: Int
        private let count = Mutex(0)
        private let done = DispatchSemaphore(value: 0)

        init(broker: MosquittoBroker, milliseconds: Int, seconds: Int) { (self.broker, self.milliseconds, self.seconds) = (broker, milliseconds, seconds) }

        func start() {
            Thread.detachNewThread { [self] in
                let end = Date(timeIntervalSinceNow: Double(seconds))
                while Date() < end {
                    broker.stop()
                    usleep(UInt32(milliseconds * 1000))
                    try? broker.start()
                    count.withLock { $0 += 1 }
                    usleep(UInt32(milliseconds * 1000))
                }
                done.signal()
            }
        }

        func finish() { done.wait() }

        var restarts: Int { count.withLock { $0 } }
    }
}
