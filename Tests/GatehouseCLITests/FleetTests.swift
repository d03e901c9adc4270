import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseDaemon
import GatehouseMQTT
import GatehouseStore
import GatehouseTesting
import Testing

/// docs/fleet.md tried: one mosquitto with mutual TLS and the ACL scripts/fleet-acl writes, ten
/// daemons of one site on it, each with a certificate whose CN is its SITE/DEVICE.
@Suite("A fleet on one broker", .serialized)
struct FleetTests {
    static let devices = (1...10).map { String(format: "gate-%02d", $0) }

    @Test("a site bundle reaches all ten; each one's events arrive under its own topic; a device with another's certificate is refused by the broker")
    func tenDevices() async throws {
        let site = try CLIFixture()
        let certificates = try TestCertificates()
        // gate-11 is in the inventory, but was given gate-02's certificate.
        let inventory = site.directory.write("inventory", (Self.devices + ["gate-11"]).map { "acme \($0)" }.joined(separator: "\n") + "\n")
        let acl = try Subprocess.run(Self.script("fleet-acl"), [inventory])
        #expect(acl.status == 0, "\(acl.standardError)")
        let aclFile = site.directory.write("acl", acl.standardOutput)
        let broker = try MosquittoBroker(listenerOptions: certificates.listenerOptions() + ["acl_file \(aclFile)", "allow_anonymous false"])

        let base = try String(contentsOfFile: site.config, encoding: .utf8)
        var configs: [GatehouseConfig] = []
        for device in Self.devices + ["gate-11"] {
            let identity = try certificates.issueClient(device, commonName: device == "gate-11" ? "acme/gate-02" : "acme/\(device)")
            let text = base.replacingOccurrences(of: "device = \"gate-01\"", with: "device = \"\(device)\"")
                .replacingOccurrences(of: "database = \"state/gatehouse.sqlite\"", with: "database = \"state-\(device)/gatehouse.sqlite\"")
                + """

                [mqtt]
                url = "mqtts://127.0.0.1:\(broker.port)"
                ca_file = "\(certificates.caFile)"
                cert_file = "\(identity.certificate)"
                key_file = "\(identity.key)"
                """
            configs.append(try ConfigFile.loadForDaemon(site.directory.write("site/\(device).toml", text + "\n")).config)
        }
        let platform = try Self.platform(certificates, port: broker.port)
        let log = LogRecorder()

        try await withDaemons(configs: configs, dependencies: .inProcess(logger: log.logger())) { daemons in
            // One bundle for the whole site, retained on the site's topic.
            let key = try SigningKey(contentsOf: site.bundleKey)
            let forge = BundleForge(keys: TestKeys(), site: "acme")
            let body = BundleForge.body(DaemonFixture.lines)
            let bundle = try await forge.bundle(forge.claims(version: 1, body: body, records: Int64(DaemonFixture.lines.count)), body: body, signer: key)
            let id = try platform.client.publish("gatehouse/v1/acme/all/bundle", bundle, retain: true)
            #expect(platform.recorder.wait { $0.contains(.acknowledged(messageID: id)) }, "the platform may publish the site's bundle")
            #expect(waitUntil { daemons.allSatisfy { $0.controller.status.bundle == 1 } }, "every device applied it: \(daemons.map { $0.controller.status.bundle as Any })")

            for daemon in daemons {
                let outcome = try await daemon.present(reader: "gate-in", uid: DaemonFixture.anna)
                #expect(outcome.decision.reason == .granted)
            }
            func grants(_ device: String) -> [JSONObject] {
                platform.recorder.messages.filter { $0.topic == "gatehouse/v1/acme/\(device)/events/access" }.compactMap { message in
                    if case .object(let event)? = try? JSONReader.parse(message.payload) { event } else { nil }
                }.filter { $0.string("type") == "gatehouse.access.granted" }
            }
            #expect(waitUntil { Self.devices.allSatisfy { !grants($0).isEmpty } }, "each device's grant under its own topic")
            for device in Self.devices {
                #expect(grants(device).allSatisfy { $0.string("source") == "gatehouse:acme/\(device)" })
            }

            // gate-11 holds gate-02's certificate: the broker takes none of its messages, and
            // says why; nothing of it appears under gate-11's topics or gate-02's.
            // What the platform would see is checked below: nothing of gate-11's. Under a heavily
            // loaded test run gate-11's connection was seen to drop and come back many times a
            // second before its refused publish was reported, so its log line is not checked here;
            // LinkMachineTests checks the refusal itself (docs/decisions.md).
            // mosquitto's ACL file grants every SUBACK and filters at delivery, so gate-11 just
            // never hears its own topics; brokers that refuse at SUBACK are logged as such.
            #expect(grants("gate-11").isEmpty)
            #expect(grants("gate-02").allSatisfy { $0.string("source") == "gatehouse:acme/gate-02" }, "no event of gate-11's under gate-02's name")
            let impostor = try #require(daemons.last)
            #expect(try impostor.eventLog.events(after: 0).contains { $0.type == "gatehouse.access.granted" }, "its events stay in its outbox")
            #expect(platform.recorder.messages.filter { $0.topic.hasPrefix("gatehouse/v1/acme/gate-11/") }.isEmpty)
        }
    }

    /// The platform's consumer: certificate CN `platform`, events on a shared subscription.
    static func platform(_ certificates: TestCertificates, port: Int) throws -> (client: MQTTClient, recorder: MQTTRecorder) {
        let identity = try certificates.issueClient("platform", commonName: "platform")
        var options = MQTTClientOptions(clientID: "platform-1", host: "127.0.0.1", port: port)
        options.usesTLS = true
        options.caFile = certificates.caFile
        options.certificateFile = identity.certificate
        options.keyFile = identity.key
        options.subscriptions = ["$share/platform/gatehouse/v1/acme/+/events/#", "gatehouse/v1/acme/+/status"]
        let recorder = MQTTRecorder()
        let client = try MQTTClient(options: options) { recorder.record($0) }
        client.start()
        #expect(recorder.wait { $0.filter { if case .subscribed = $0 { true } else { false } }.count == 2 }, "the platform subscribed")
        #expect(!recorder.all.contains { if case .subscriptionRefused = $0 { true } else { false } })
        return (client, recorder)
    }

    /// A script of the repository's.
    static func script(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/\(name)").path
    }
}
