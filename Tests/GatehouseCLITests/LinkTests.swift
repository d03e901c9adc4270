import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseDaemon
import GatehouseTesting
import Testing

@Suite("The daemon's MQTT link against a real broker", .serialized)
struct LinkTests {
    @Test("events arrive in order as CloudEvents; status and will; a broker restart and a SIGKILL lose nothing and duplicate nothing after deduplication by id")
    func storeAndForward() throws {
        let broker = try MosquittoBroker()
        let fixture = try DaemonFixture(mqtt: "mqtt://127.0.0.1:\(broker.port)")
        let platform = try Platform(port: broker.port)
        var daemon = try fixture.start()

        for _ in 0..<3 { #expect(try daemon.simulate(reader: "gate-in", "uid", DaemonFixture.anna).status == 0) }
        platform.wait("five events") { withoutDoorLife(platform.events).count >= 5 }
        // The live lane goes before the backlog (the bundle applied before the start): by seq,
        // nothing is missing.
        let first = platform.events.sorted { ($0.integer("seq") ?? 0) < ($1.integer("seq") ?? 0) }
        #expect(first.map { $0.integer("seq") } == (1...first.count).map { Int64($0) })
        // The bundle applied before the start is reported first, as applied on the device.
        #expect(withoutDoorLife(first).map { $0.string("type") } == ["gatehouse.system.bundle_applied", "gatehouse.system.started"] + Array(repeating: "gatehouse.access.granted", count: 3))
        #expect(first.first?.object("data")?.string("origin") == "local")
        for event in first {
            #expect(event.string("specversion") == "1.0" && event.string("source") == "gatehouse:acme/gate-01")
            #expect(event.string("datacontenttype") == "application/json" && event.object("data") != nil)
            #expect(event.string("id")?.count == 36 && event.string("id")?.dropFirst(14).first == "7")
        }
        #expect(platform.recorder.messages.contains { $0.topic == Platform.root + "events/access" })
        platform.wait("the online status") { platform.messages("status").last?.string("state") == "online" }
        let online = try #require(platform.messages("status").last)
        #expect(online.integer("bundle") == 1 && online.string("mode") == "normal" && online.string("software") != nil)
        let link = try fixture.site.status()["link"] as? [String: Any]
        #expect(link?["state"] as? String == "connected" && link?["broker"] as? String == "mqtt://127.0.0.1:\(broker.port)" && link?["connections"] as? Int == 1)

        // The broker goes away; the daemon keeps deciding and storing.
        broker.stop()
        #expect(waitUntil { (try? fixture.site.status()["link"] as? [String: Any])??["state"] as? String == "connecting" }, "status says the link is down")
        for _ in 0..<5 { #expect(try daemon.simulate(reader: "gate-in", "uid", DaemonFixture.carla).status == 1) }
        try broker.start()
        platform.wait("the events stored while the broker was away") { platform.distinctEvents.count >= 10 }

        // SIGKILL: the broker publishes the will, and the outbox survives.
        #expect(daemon.stop(signal: SIGKILL) != 0)
        platform.wait("the will's offline status") { platform.messages("status").last?.string("state") == "offline" }
        daemon = try fixture.start()
        for _ in 0..<2 { #expect(try daemon.simulate(reader: "gate-out", "uid", DaemonFixture.anna).status == 0) }
        // 1 bundle applied, 1 started, 3 grants, 5 denials and their repeated_denials alarm, 1 started, 2 exits.
        platform.wait("every event") { platform.distinctEvents.count >= 14 }
        platform.wait("online again") { platform.messages("status").last?.string("state") == "online" }
        #expect(daemon.stop() == 0)
        platform.wait("the offline status of an orderly stop") { platform.messages("status").last?.string("state") == "offline" }

        let distinct = platform.distinctEvents
        #expect(distinct.map { $0.integer("seq") } == (1...Int64(distinct.count)).map { $0 })
        let stored = try fixture.events()
        #expect(stored.map { $0.string("id") } == distinct.map { $0.string("id") })
        // Every event was acknowledged and marked published before the orderly stop.
        #expect(try fixture.site.status()["outbox_depth"] as? Int == 0)
    }

    @Test("a broker that takes the connection and never answers CONNECT is a warning in the log with the likely cause; the daemon keeps deciding")
    func unansweredConnect() async throws {
        let silent = try SilentListener()
        let fixture = try DaemonFixture(mqtt: "mqtt://127.0.0.1:\(silent.port)")
        let log = LogRecorder()
        let config = try ConfigFile.loadForDaemon(fixture.config).config
        try await withDaemon(config: config, dependencies: .inProcess(logger: log.logger())) { daemon in
            let warned = waitUntil { log.text.contains("has not answered CONNECT") }
            #expect(warned)
            let outcome = try await daemon.present(reader: "gate-in", uid: DaemonFixture.anna)
            #expect(outcome.decision.reason == .granted)
        }
        let line = try #require(log.text.split(separator: "\n").first { $0.contains("has not answered CONNECT") })
        #expect(line.hasPrefix("warning ") && line.contains("protocol = \"3.1.1\"") && line.contains("mqtt.url=mqtt://127.0.0.1:\(silent.port)"))
        #expect(!log.text.contains("connected to the broker"))
    }

    @Test("bundles over MQTT: applied, noop, each refusal acked with its reason and recorded; snapshot requests without a policy and on base_mismatch")
    func bundles() async throws {
        let broker = try MosquittoBroker()
        let fixture = try DaemonFixture(mqtt: "mqtt://127.0.0.1:\(broker.port)", applyBundle: false)
        let platform = try Platform(port: broker.port)
        let config = try ConfigFile.loadForDaemon(fixture.config).config
        try await withDaemon(config: config) { daemon in
            platform.wait("a snapshot request without a policy") { platform.messages("request").contains { $0.string("reason") == "no_policy" } }
            #expect(platform.messages("request").first?.integer("have") == 0 && platform.messages("request").first?.string("want") == "snapshot")

            let key = try SigningKey(contentsOf: fixture.site.bundleKey)
            let forge = BundleForge(keys: TestKeys(), site: "acme")
            let v1 = try await forge.bundle(
                forge.claims(version: 1, body: BundleForge.body(DaemonFixture.lines), records: Int64(DaemonFixture.lines.count)), body: BundleForge.body(DaemonFixture.lines),
                signer: key)
            try platform.publish("gatehouse/v1/acme/all/bundle", v1, retain: true)
            platform.wait("bundle 1 applied") { platform.acks(for: .integer(1)).contains { $0.string("result") == "applied" && $0.integer("version") == 1 } }
            #expect(try await daemon.present(reader: "gate-in", uid: DaemonFixture.anna).decision.reason == .granted)

            try platform.publish(Platform.root + "bundle", v1)
            platform.wait("bundle 1 again: noop") { platform.acks(for: .integer(1)).contains { $0.string("result") == "noop" } }

            let delta = BundleForge.body([Records.person("dora")])
            let wrongBase = try await forge.bundle(forge.claims(version: 3, kind: .delta, base: 2, body: delta, records: 1), body: delta, signer: key)
            try platform.publish(Platform.root + "bundle", wrongBase)
            platform.wait("base_mismatch") { platform.acks(for: .integer(3)).first?.string("reason") == "base_mismatch" }
            platform.wait("a snapshot request after base_mismatch") { platform.messages("request").contains { $0.string("reason") == "base_mismatch" && $0.integer("have") == 1 } }

            let strangers = try await forge.bundle(version: 4, lines: [Records.zone("site")])
            try platform.publish(Platform.root + "bundle", strangers)
            // Refused before its manifest could be trusted: the ack names no version.
            platform.wait("unknown_key") { platform.acks(for: .null).contains { $0.string("reason") == "unknown_key" } }
            try platform.publish(Platform.root + "bundle", Array("not a bundle\n".utf8))
            platform.wait("malformed") { platform.messages("ack").contains { $0["id"] == .null && $0.string("reason") == "malformed" } }
            let rejected = platform.messages("ack").filter { $0.string("result") == "rejected" }
            #expect(rejected.allSatisfy { $0.string("for") == "bundle" && $0.integer("version") == 1 })
            #expect(daemon.controller.status.bundle == 1)
        }
        let types = try fixture.events().compactMap { $0.string("type") }
        #expect(types.filter { $0 == "gatehouse.system.bundle_applied" }.count == 1)
        #expect(types.filter { $0 == "gatehouse.system.bundle_rejected" }.count == 3)
        let reports = try fixture.events().filter { $0.string("type")?.hasPrefix("gatehouse.system.bundle_") == true }
        #expect(reports.allSatisfy { $0.object("data")?.string("origin") == "mqtt" }, "every bundle here came over MQTT")
        #expect(try fixture.site.status()["bundle_version"] as? Int == 1)
    }

    @Test("a policy past its expiry: one snapshot request with reason policy_stale")
    func staleRequest() async throws {
        let broker = try MosquittoBroker()
        let fixture = try DaemonFixture(expires: "2s", mqtt: "mqtt://127.0.0.1:\(broker.port)")
        let platform = try Platform(port: broker.port)
        let config = try ConfigFile.loadForDaemon(fixture.config).config
        try await withDaemon(config: config) { _ in
            platform.wait("a stale request") { platform.messages("request").contains { $0.string("reason") == "policy_stale" && $0.integer("have") == 1 } }
            try await Task.sleep(for: .milliseconds(1500))
            #expect(platform.messages("request").filter { $0.string("reason") == "policy_stale" }.count == 1)
        }
    }

    @Test("commands: each carried out and acked, with its events; every refusal acked with its reason, replay included")
    func commands() async throws {
        let broker = try MosquittoBroker()
        let fixture = try DaemonFixture(mqtt: "mqtt://127.0.0.1:\(broker.port)")
        let platform = try Platform(port: broker.port)
        let log = LogRecorder()
        let config = try ConfigFile.loadForDaemon(fixture.config).config
        try await withDaemon(config: config, dependencies: .inProcess(logger: log.logger())) { daemon in
            platform.wait("online") { platform.messages("status").last?.string("state") == "online" }
            #expect(try await daemon.present(reader: "gate-in", uid: DaemonFixture.anna).decision.reason == .granted)
            try await daemon.walkThrough(contact: "gate-contact")  // in through the gate: counted on the muster list

            let key = try SigningKey(contentsOf: fixture.site.directory.file("site/keys/private/command.jwk"))
            let now = Int64(Date().timeIntervalSince1970)
            func command(_ name: String, _ args: [String: JSONArgument] = [:], jti: String, aud: String = "acme/gate-01", iat: Int64? = nil, signer: SigningKey? = nil) async throws -> [UInt8] {
                let issued = iat ?? now
                let claims = CommandClaims(aud: Audience([aud]), jti: jti, iat: Double(issued), exp: Double(issued + 60), sub: "ops-desk", cmd: name, args: args)
                return Array(try await (signer ?? key).sign(claims).utf8)
            }
            func send(_ name: String, _ payload: [UInt8], siteWide: Bool = false) throws {
                try platform.publish((siteWide ? "gatehouse/v1/acme/all/" : Platform.root) + "cmd/" + name, payload)
            }
            func ack(_ jti: String) -> JSONObject? {
                platform.wait("the ack of \(jti)") { !platform.acks(for: .string(jti)).isEmpty }
                return platform.acks(for: .string(jti)).first
            }

            try send("ping", try await command("ping", jti: "c-ping"))
            #expect(ack("c-ping")?.string("result") == "applied")
            try send("open", try await command("open", ["door": .string("gate")], jti: "c-open"))
            #expect(ack("c-open")?.string("result") == "applied")
            try send("open", try await command("open", ["door": .string("gate")], jti: "c-open"))
            platform.wait("the replay refused") { platform.acks(for: .string("c-open")).count == 2 }
            #expect(platform.acks(for: .string("c-open")).last?.string("reason") == "replayed")
            try send("mode", try await command("mode", ["mode": .string("lockdown")], jti: "c-lock", aud: "acme"), siteWide: true)
            #expect(ack("c-lock")?.string("result") == "applied")
            platform.wait("the status in lockdown") { platform.messages("status").last?.string("mode") == "lockdown" }
            #expect(try await daemon.present(reader: "gate-in", uid: DaemonFixture.carla).decision.reason == .personInactive)
            try send("muster", try await command("muster", jti: "c-muster"))
            #expect(ack("c-muster")?.string("result") == "applied")
            try send("resync", try await command("resync", jti: "c-resync"))
            #expect(ack("c-resync")?.string("result") == "applied")
            platform.wait("the resync request") { platform.messages("request").contains { $0.string("reason") == "resync" && $0.integer("have") == 1 } }

            let refusals: [(name: String, jti: String, payload: [UInt8], reason: String)] = [
                ("open", "r-args", try await command("open", ["door": .string("vault")], jti: "r-args"), "bad_args"),
                ("open", "r-aud", try await command("open", ["door": .string("gate")], jti: "r-aud", aud: "acme/gate-02"), "wrong_audience"),
                ("open", "r-old", try await command("open", ["door": .string("gate")], jti: "r-old", iat: now - 600), "expired"),
                ("open", "r-future", try await command("open", ["door": .string("gate")], jti: "r-future", iat: now + 600), "not_yet_valid"),
                ("open", "r-key", try await command("open", ["door": .string("gate")], jti: "r-key", signer: try SigningKey(contentsOf: fixture.site.bundleKey)), "unknown_key"),
                ("reboot", "r-name", try await command("reboot", jti: "r-name"), "unknown_command"),
            ]
            for refusal in refusals { try send(refusal.name, refusal.payload) }
            for refusal in refusals {
                // A key the device does not trust: the jti cannot be trusted either, so the ack has none.
                let id: JSONValue = refusal.reason == "unknown_key" ? .null : .string(refusal.jti)
                platform.wait("the refusal of \(refusal.jti)") { platform.messages("ack").contains { $0["id"] == id && $0.string("reason") == refusal.reason } }
            }
            try send("open", Array("garbage".utf8))
            platform.wait("malformed") { platform.messages("ack").contains { $0["id"] == .null && $0.string("reason") == "malformed" } }
            #expect(log.text.contains("command.reason=replayed") && log.text.contains("command.reason=bad_args"))
        }

        let events = try fixture.events()
        let remote = try #require(events.first { $0.object("data")?.string("reason") == "granted_remote" })
        #expect(remote.string("subject") == "gate" && remote.object("data")?.string("ordered_by") == "ops-desk")
        let mode = try #require(events.first { $0.string("type") == "gatehouse.emergency.mode_changed" })
        #expect(mode.object("data")?.string("mode") == "lockdown" && mode.object("data")?.string("previous") == "normal")
        let muster = try #require(events.first { $0.string("type") == "gatehouse.emergency.muster" })
        #expect(muster.object("data")?.integer("total") == 1)
        #expect(try fixture.site.status()["mode"] as? String == "lockdown")
    }
}

