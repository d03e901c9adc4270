import Foundation
import GatehouseCore
import GatehouseMQTT
import GatehouseTesting
import Testing

@Suite("The libmosquitto client against a real broker")
struct MQTTClientTests {
    static func client(_ id: String, port: Int, waitForConnection: Bool = true, configure: (inout MQTTClientOptions) -> Void = { _ in }) throws -> (MQTTClient, MQTTRecorder) {
        var options = MQTTClientOptions(clientID: id, host: "127.0.0.1", port: port)
        options.reconnectDelayMilliseconds = 100
        options.maximumReconnectDelaySeconds = 1
        configure(&options)
        let recorder = MQTTRecorder()
        let client = try MQTTClient(options: options) { recorder.record($0) }
        client.start()
        if waitForConnection {
            #expect(recorder.wait { $0.contains(.connected(code: 0)) }, "\(id) did not connect: \(recorder.all)")
        }
        return (client, recorder)
    }

    @Test("QoS 1 in order: every publish is acknowledged by its message id and arrives once, in order", arguments: MQTTClientOptions.ProtocolVersion.allCases)
    func publishAndReceive(_ version: MQTTClientOptions.ProtocolVersion) throws {
        let broker = try MosquittoBroker()
        let (subscriber, received) = try Self.client("sub", port: broker.port) {
            $0.protocolVersion = version
            $0.subscriptions = ["gatehouse/v1/acme/gate-01/events/#"]
        }
        #expect(received.wait { $0.contains { if case .subscribed = $0 { true } else { false } } })
        let (publisher, sent) = try Self.client("pub", port: broker.port) { $0.protocolVersion = version }
        var ids: Set<Int32> = []
        for index in 1...200 {
            ids.insert(try publisher.publish("gatehouse/v1/acme/gate-01/events/access", Array("event \(index)".utf8)))
        }
        #expect(sent.wait { _ in ids.isSubset(of: sent.acknowledged) })
        #expect(received.wait { _ in received.messages.count >= 200 })
        #expect(received.messages.map(\.payload) == (1...200).map { "event \($0)" })
        publisher.stop()
        subscriber.stop()
    }

    @Test("a retained message reaches a later subscriber, marked retained")
    func retained() throws {
        let broker = try MosquittoBroker()
        let (publisher, sent) = try Self.client("device", port: broker.port)
        let id = try publisher.publish("gatehouse/v1/acme/gate-01/status", Array(#"{"state":"online"}"#.utf8), retain: true)
        #expect(sent.wait { $0.contains(.acknowledged(messageID: id)) })
        let (subscriber, received) = try Self.client("platform", port: broker.port) { $0.subscriptions = ["gatehouse/v1/acme/+/status"] }
        #expect(received.wait { _ in received.messages.count == 1 })
        #expect(received.messages.first?.retained == true && received.messages.first?.payload == #"{"state":"online"}"#)
        subscriber.stop()
    }

    @Test("no broker yet: the client keeps trying with back-off and connects once a broker listens")
    func brokerArrivesLater() throws {
        let port = try MosquittoBroker.freePort()
        let (client, recorder) = try Self.client("patient", port: port, waitForConnection: false)
        #expect(recorder.wait { _ in recorder.failedAttempts >= 2 })
        let failure = recorder.all.first { if case .connectFailed = $0 { true } else { false } }
        #expect("\(String(describing: failure))".contains("127.0.0.1:\(port)"))
        let broker = try MosquittoBroker(port: port)
        #expect(recorder.wait { _ in recorder.connections == 1 }, "no connection: \(broker.log)")
        client.stop()
    }

    @Test("the broker restarts: publishes meanwhile are queued and delivered once it is back, in order, each acknowledged; both clients reconnect by themselves")
    func brokerRestart() throws {
        let broker = try MosquittoBroker()
        let (subscriber, received) = try Self.client("platform", port: broker.port) { $0.subscriptions = ["gatehouse/v1/acme/gate-01/events/#"] }
        #expect(received.wait { $0.contains { if case .subscribed = $0 { true } else { false } } })
        let (publisher, sent) = try Self.client("device", port: broker.port)
        broker.stop()
        #expect(sent.wait { $0.contains { if case .disconnected(let code) = $0 { code != 0 } else { false } } })
        var ids: Set<Int32> = []
        for index in 1...5 {
            ids.insert(try publisher.publish("gatehouse/v1/acme/gate-01/events/access", Array("during \(index)".utf8)))
        }
        try broker.start()
        #expect(sent.wait { _ in sent.connections == 2 } && received.wait { _ in received.connections == 2 }, "no reconnection: \(broker.log)")
        for index in 1...50 {
            ids.insert(try publisher.publish("gatehouse/v1/acme/gate-01/events/access", Array("after \(index)".utf8)))
        }
        #expect(sent.wait { _ in ids.isSubset(of: sent.acknowledged) }, "not all acknowledged: \(broker.log)")
        #expect(received.wait { _ in received.messages.count >= 55 })
        #expect(received.messages.map(\.payload) == (1...5).map { "during \($0)" } + (1...50).map { "after \($0)" })
        publisher.stop()
        subscriber.stop()
    }
}

@Suite("A broker that wants a user name and password")
struct MQTTPasswordTests {
    @Test("the right password connects; a wrong one is refused by the broker and never connects")
    func password() throws {
        let directory = TemporaryDirectory("gatehouse-passwords")
        let file = directory.file("passwords")
        let made = try Subprocess.run("/usr/bin/mosquitto_passwd", ["-b", "-c", file, "gate-01", "s3cret"])
        #expect(made.status == 0, "\(made.standardError)")
        let broker = try MosquittoBroker(listenerOptions: ["allow_anonymous false", "password_file \(file)"])
        let (good, accepted) = try MQTTClientTests.client("gate-01", port: broker.port) {
            $0.username = "gate-01"
            $0.password = "s3cret"
        }
        good.stop()
        let (bad, refused) = try MQTTClientTests.client("intruder", port: broker.port, waitForConnection: false) {
            $0.username = "gate-01"
            $0.password = "guess"
        }
        #expect(refused.wait { $0.contains { if case .connected(let code) = $0 { code != 0 } else { false } } })
        #expect(refused.connections == 0 && accepted.connections == 1)
        bad.stop()
    }
}

@Suite("Mutual TLS with certificates made by openssl")
struct MQTTTLSTests {
    let certificates: TestCertificates

    init() throws {
        certificates = try TestCertificates()
    }

    func connect(_ broker: MosquittoBroker, certificate: String?, key: String?) throws -> (MQTTClient, MQTTRecorder) {
        try MQTTClientTests.client("gate-01", port: broker.port, waitForConnection: false) { options in
            options.usesTLS = true
            options.caFile = certificates.caFile
            options.certificateFile = certificate
            options.keyFile = key
        }
    }

    @Test("a device certificate from the site CA connects, publishes and is acknowledged")
    func mutualTLS() throws {
        let broker = try MosquittoBroker(listenerOptions: certificates.listenerOptions())
        let (client, recorder) = try connect(broker, certificate: certificates.deviceCertificate, key: certificates.deviceKey)
        #expect(recorder.wait { _ in recorder.connections == 1 }, "\(recorder.all) \(broker.log)")
        let id = try client.publish("gatehouse/v1/acme/gate-01/status", Array("online".utf8))
        #expect(recorder.wait { $0.contains(.acknowledged(messageID: id)) })
        client.stop()
    }

    @Test("refused: a certificate from another CA, and no certificate at all")
    func strangerRefused() throws {
        let broker = try MosquittoBroker(listenerOptions: certificates.listenerOptions())
        for (certificate, key) in [(certificates.strangerCertificate, certificates.strangerKey), (nil, nil)] as [(String?, String?)] {
            let (client, recorder) = try connect(broker, certificate: certificate, key: key)
            #expect(recorder.wait { _ in recorder.refusedAttempts >= 2 }, "\(recorder.all)")
            #expect(recorder.connections == 0, "connected with \(certificate ?? "no certificate")")
            client.stop()
        }
    }

    @Test("the broker's certificate must name the host the device connects to")
    func hostNameVerified() throws {
        let broker = try MosquittoBroker(listenerOptions: certificates.listenerOptions(
            requireClientCertificate: false, certificate: certificates.wrongHostCertificate, key: certificates.wrongHostKey))
        let (client, recorder) = try connect(broker, certificate: nil, key: nil)
        #expect(recorder.wait { _ in recorder.failedAttempts >= 2 }, "every refused handshake is reported: \(recorder.all)")
        #expect(recorder.connections == 0)
        client.stop()
    }

    @Test("a TLS file that cannot be read is reported when the client is made, naming the file")
    func missingFile() throws {
        var options = MQTTClientOptions(clientID: "gate-01", host: "127.0.0.1", port: 8883)
        options.usesTLS = true
        options.caFile = certificates.directory.file("no-such-ca.pem")
        #expect {
            _ = try MQTTClient(options: options) { _ in }
        } throws: { error in
            "\(error)".contains("mqtt.setup") && "\(error)".contains("no-such-ca.pem")
        }
    }
}
