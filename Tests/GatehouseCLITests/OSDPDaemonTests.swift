import Foundation
import GatehouseCore
import GatehouseDaemon
import GatehouseStore
import GatehouseTesting
import Testing

/// OSDP readers against libosdp's own peripheral device (PyPI `libosdp`) on a pseudo-terminal:
/// card reads and keys in a secure channel, tamper, a reader commissioned from the default key,
/// a reader on the default key or a wrong key refused, and a reader that goes silent.
@Suite("OSDP readers in a secure channel, against libosdp's peripheral device", .serialized)
struct OSDPDaemonTests {
    /// H10301 123:4567, from an outside packer.
    static let card = "10111101100010001110101110"
    static let readerKey = "00112233445566778899aabbccddeeff"
    static let masterKey = "0f0e0d0c0b0a09080706050403020100"

    /// A device with an OSDP reader at the gate, and Anna's card in its bundle.
    static func site(tty: String, install: Bool, secrets: String) throws -> CLIFixture {
        let site = try CLIFixture()
        let config = try String(contentsOfFile: site.config, encoding: .utf8)
        let split = try #require(config.range(of: "\n["))
        let reader = """

            [readers.gate-osdp]
            type = "osdp"
            device = "\(tty)"
            baud = 9600
            address = 1
            install = \(install)
            formats = ["H10301"]
            door = "gate"

            """
        try (config[..<split.lowerBound] + "\nsecrets = \"secrets.toml\"\n" + config[split.lowerBound...] + reader).write(toFile: site.config, atomically: true, encoding: .utf8)
        let path = site.directory.file("site/secrets.toml")
        try secrets.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
        let bundle = try site.build(version: 1, lines: [
            Records.zone("site"), Records.person("anna"), Records.grant("g-anna", person: "anna", zones: ["site"]),
            #"{"op":"put","type":"credential","id":"c-anna","person":"anna","format":"card","value":"123:4567","status":"active"}"#,
        ])
        let applied = try site.run(["bundle", "apply", bundle, "--config", site.config])
        precondition(applied.status == 0, applied.standardError)
        return site
    }

    static func run(_ site: CLIFixture, _ body: (Daemon) async throws -> Void) async throws {
        let config = try ConfigFile.loadForDaemon(site.config).config
        var dependencies = DaemonDependencies.inProcess()
        dependencies.readers = DaemonDependencies.deviceReaders(config: config, secrets: try ConfigFile.secrets(config, configPath: site.config))
        try await withDaemon(config: config, dependencies: dependencies, body)
    }

    static func count(_ type: String, _ events: [StoredEvent]) -> Int { events.filter { $0.type == type }.count }

    @Test("a card in a secure channel is granted, keys reach the access path, tamper is an alarm, the grant lights the reader")
    func secureReads() async throws {
        let peer = try OSDPReaderPeer(address: 1, key: Self.readerKey)
        let site = try Self.site(tty: peer.tty, install: false, secrets: "[osdp_keys]\ngate-osdp = \"\(Self.readerKey)\"\n")
        try await Self.run(site) { (daemon: Daemon) async throws in
            #expect(peer.waitFor { $0 == "sc_active" })
            peer.send("card \(Self.card)")
            #expect(try await daemon.waitForEvents { Self.count("gatehouse.access.granted", $0) == 1 })
            let granted = try #require(try daemon.events().last { $0.type == "gatehouse.access.granted" })
            #expect(granted.payload.contains(#""format":"card""#) && granted.payload.contains(#""reader":"gate-osdp""#))
            #expect(peer.waitFor { $0 == "command led" } && peer.waitFor { $0 == "command buzzer" })
            // gatehouse status shows what the reader says it is.
            let status = try site.run(["status", "--config", site.config])
            #expect(status.standardOutput.contains("gate-osdp") && status.standardOutput.contains("serial 3735928495") && status.standardOutput.contains("secure channel"))
            peer.send("tamper 1")
            #expect(try await daemon.waitForEvents { Self.count("gatehouse.alarm.tamper", $0) >= 1 })
            // Keys with no credential waiting are refused quietly: nothing is decided.
            func decisions() throws -> Int { try daemon.events().filter { $0.type == "gatehouse.access.granted" || $0.type == "gatehouse.access.denied" }.count }
            let before = try decisions()
            peer.send("keys 1234#")
            try await Task.sleep(for: .milliseconds(500))
            #expect(try decisions() == before)
        }
    }

    @Test("a reader on the default key is commissioned while install is set: it gets the key derived from the master key, then reads")
    func commissioning() async throws {
        let peer = try OSDPReaderPeer(address: 1)
        let site = try Self.site(tty: peer.tty, install: true, secrets: "osdp_master_key = \"\(Self.masterKey)\"\n")
        try await Self.run(site) { (daemon: Daemon) async throws in
            #expect(peer.waitFor { $0.hasPrefix("key ") })
            let given = try #require(peer.lines.first { $0.hasPrefix("key ") }).dropFirst(4)
            // libosdp's PD makes its cUID from its id (vendor 0xcafebabe, model 1, version 1, serial
            // 0xdeadbeaf): vendor bytes 0 and 1, model byte 0, version byte 1, serial bytes 0 to 3.
            let clientID: [UInt8] = [0xBE, 0xBA, 0x01, 0x00, 0xAF, 0xBE, 0xAD, 0xDE]
            #expect(String(given) == Hex.lowercase(OSDPSecureChannel.derivedKey(master: Hex.bytes(Self.masterKey)!, clientID: clientID)))
            #expect(peer.waitFor { $0 == "sc_active" })
            peer.send("card \(Self.card)")
            #expect(try await daemon.waitForEvents { Self.count("gatehouse.access.granted", $0) == 1 })
        }
    }

    @Test("a reader on the default key without install, or on a wrong key, is refused: a reader fault, and its cards never decided")
    func refusedKeys() async throws {
        for (key, secrets) in [(nil as String?, "osdp_master_key = \"\(Self.masterKey)\"\n"), (Self.readerKey, "[osdp_keys]\ngate-osdp = \"\(Self.masterKey)\"\n")] {
            let peer = try OSDPReaderPeer(address: 1, key: key)
            let site = try Self.site(tty: peer.tty, install: false, secrets: secrets)
            try await Self.run(site) { (daemon: Daemon) async throws in
                #expect(try await daemon.waitForEvents { Self.count("gatehouse.alarm.reader_fault", $0) == 1 })
                peer.send("card \(Self.card)")
                try await Task.sleep(for: .milliseconds(500))
                #expect(try Self.count("gatehouse.access.granted", daemon.events()) == 0)
                #expect(!peer.lines.contains("sc_active"))
                #expect(!peer.lines.contains { $0.hasPrefix("key ") }, "no key is given without install")
            }
        }
    }

    @Test("a reader that goes silent raises reader_fault; when it answers again, recovered")
    func silentReader() async throws {
        let peer = try OSDPReaderPeer(address: 1, key: Self.readerKey)
        let site = try Self.site(tty: peer.tty, install: false, secrets: "[osdp_keys]\ngate-osdp = \"\(Self.readerKey)\"\n")
        try await Self.run(site) { (daemon: Daemon) async throws in
            #expect(peer.waitFor { $0 == "sc_active" })
            peer.send("silent")
            #expect(try await daemon.waitForEvents { Self.count("gatehouse.alarm.reader_fault", $0) == 1 })
            peer.send("answer")
            #expect(try await daemon.waitForEvents(seconds: 20) { $0.contains { $0.type == "gatehouse.alarm.reader_fault" && $0.payload.contains("recovered") } })
        }
    }
}
