import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseDaemon
import GatehouseNFC
import GatehouseTesting
import Logging

/// Authenticated cards at the door: the DESFire EV2 check alone, through real libnfc and the
/// PN532 emulator, against a select alone (the baseline in the same run); then tap to relay
/// through the daemon for a UID reader (the baseline) and a DESFire reader at a zone that
/// requires authenticated cards. The APDU bytes of one check give the real PN532's added time.
struct CardTapBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card-taps", abstract: "Time DESFire EV2 authentication at the door, alone and tap to relay, against UID taps in the same run.")

    @Option(help: "Checks to time alone.") var checks = 300
    @Option(help: "Taps to time in each round.") var taps = 200
    @Option(help: "The release gatehouse binary (applies the bundle).") var gatehouse: String

    static let uid: [UInt8] = TapBench.anna
    static let master: [UInt8] = Array(1...16)

    /// Counts the bytes of each APDU and response the check sends through.
    final class Counting: CardTransport {
        let inner: NFCCardTransport
        var exchanges: [(command: Int, response: Int)] = []
        init(_ inner: NFCCardTransport) { self.inner = inner }
        func transmit(_ apdu: [UInt8]) throws(CardFailure) -> [UInt8] {
            let response = try inner.transmit(apdu)
            exchanges.append((apdu.count, response.count))
            return response
        }
    }

    func run() async throws {
        let keys = CardKeys(masters: [1: Self.master], site: "bench")
        let card = SoftwareDESFire(uid: Self.uid)
        var random = SystemRandomNumberGenerator()
        _ = try CardIssuer(keys: keys, version: 1).issueDESFire(over: card, fullFileMode: true, force: false, random: &random)
        try alone(card, keys)
        for security in ["uid", "desfire"] {
            let latencies = try await round(card, security: security)
            TapBench.report("tap to relay, \(security) reader", latencies)
        }
    }

    /// The check alone, and a select alone, each `checks` times, on one open device.
    private func alone(_ card: SoftwareDESFire, _ keys: CardKeys) throws {
        let directory = TemporaryDirectory("gatehouse-bench")
        let emulator = try PN532Emulator(link: directory.file("pn532"))
        emulator.place(card)
        let device = try NFCDevice(context: try NFCContext(), connection: emulator.connection)
        defer { device.close() }
        let authenticator = CardAuthenticator(security: .desfire, keys: keys, site: "bench")
        var selects: [Duration] = [], checked: [Duration] = []
        var random = SystemRandomNumberGenerator()
        var sizes: [(command: Int, response: Int)] = []
        for _ in 0..<checks {
            try device.resetField()
            var start = ContinuousClock.now
            guard let selected = try device.selectCard() else { throw ValidationError("no card selected") }
            selects.append(ContinuousClock.now - start)
            let transport = Counting(NFCCardTransport(device: device))
            start = ContinuousClock.now
            let result = authenticator.check(uid: selected.uid, sak: selected.sak, over: transport, random: &random)
            checked.append(ContinuousClock.now - start)
            guard result.isAuthentic else { throw ValidationError("the card was not authentic: \(result.failure!)") }
            sizes = transport.exchanges
        }
        let select = Latencies(selects), check = Latencies(checked)
        func ms(_ value: Double) -> String { String(format: "%.2f ms", value / 1000) }
        print("select alone (baseline): p50 \(ms(select.microseconds(0.5))), p99 \(ms(select.microseconds(0.99)))")
        print("DESFire check alone: p50 \(ms(check.microseconds(0.5))), p99 \(ms(check.microseconds(0.99))); \(String(format: "%.1f", check.microseconds(0.5) / select.microseconds(0.5)))x a select")
        // A real PN532: each APDU goes over the serial line in a host frame (InDataExchange: 2
        // bytes of command, 7 of framing, and the ACK's 6) and over the air in an ISO 14443-4
        // I-block (PCB and CRC, 3 bytes); the answer the same way back. 10 bits a byte on the
        // line at 115200 baud; 9 bits a byte (with parity) in the air at 106 kbit/s.
        let serial = sizes.reduce(0) { $0 + ($1.command + 2 + 7 + 6) + ($1.response + 2 + 7) }
        let air = sizes.reduce(0) { $0 + ($1.command + 3) + ($1.response + 3) }
        let serialMs = Double(serial) * 10 / 115_200 * 1000, airMs = Double(air) * 9 / 106_000 * 1000
        print("one check: \(sizes.count) exchanges, \(sizes.reduce(0) { $0 + $1.command }) bytes out, \(sizes.reduce(0) { $0 + $1.response }) back")
        print(String(format: "a real PN532 adds about %.1f ms on the serial line and %.1f ms in the air, plus the card's own processing", serialMs, airMs))
    }

    /// Tap to relay through the daemon with the gate-in reader's `card_security`.
    private func round(_ card: SoftwareDESFire, security: String) async throws -> [Duration] {
        let directory = TemporaryDirectory("gatehouse-bench")
        let emulator = try PN532Emulator(link: directory.file("pn532"))
        let configPath = try SiteInitializer(site: "bench", device: "gate-01", nfcConnection: emulator.connection).write(to: directory.path)[0]
        var config = try String(contentsOfFile: configPath, encoding: .utf8)
        if security != "uid" {
            let secrets = directory.file("secrets.toml")
            try SecretFile.write("[card_master_keys]\n1 = \"\(Hex.lowercase(Self.master))\"\n", to: secrets, mode: 0o600)
            config = "secrets = \"\(secrets)\"\n" + config
            config = config.replacingOccurrences(of: "connection = \"\(emulator.connection)\"", with: "connection = \"\(emulator.connection)\"\ncard_security = \"\(security)\"")
            try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        }
        try applyBundle(directory: directory, configPath: configPath, authenticated: security != "uid")
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let outputs = TapBench.TimedOutputs()
        var dependencies = DaemonDependencies(software: "bench", logger: logger, configPath: configPath)
        dependencies.gpio = outputs
        let daemon = try buildDaemon(config: try ConfigFile.loadForDaemon(configPath).config, dependencies: dependencies)
        return try await withThrowingTaskGroup(of: [Duration]?.self) { group in
            group.addTask { try await daemon.run(); return nil }
            try await TapBench.waitForPolls(emulator, 5)
            let latencies = try await TapBench.measure(emulator, outputs, taps: taps) {
                if security == "uid" { emulator.place(uid: Self.uid) } else { emulator.place(card) }
            }
            await daemon.shutdown()
            try await group.waitForAll()
            return latencies
        }
    }

    private func applyBundle(directory: TemporaryDirectory, configPath: String, authenticated: Bool) throws {
        let zone = authenticated ? #"{"op":"put","type":"zone","id":"site","level":"restricted","anti_passback":"none","requires":{"authenticated_card":true}}"# : Records.zone("site")
        let input = directory.write(
            "site.jsonl",
            [zone, Records.person("anna"), Records.badge("c-anna", person: "anna", uid: BadgeUID.hex(Self.uid)), Records.grant("g-anna", person: "anna", zones: ["site"])]
                .joined(separator: "\n") + "\n")
        let bundle = directory.file("snapshot.bundle")
        let built = try Subprocess.run(
            gatehouse, ["bundle", "build", "--out", bundle, "--sign", directory.file("keys/private/bundle.jwk"), "--site", "bench", "--version", "1", input])
        guard built.status == 0 else { throw ValidationError("build failed: \(built.standardError)") }
        let applied = try Subprocess.run(gatehouse, ["bundle", "apply", bundle, "--config", configPath])
        guard applied.status == 0 else { throw ValidationError("apply failed: \(applied.standardError)") }
    }
}
