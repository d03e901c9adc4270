import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseDaemon
import GatehouseTesting
import Logging
import Synchronization

/// From a card appearing on an NFC reader to the relay command: the daemon, in this process,
/// polls the PN532 emulator through real libnfc; a recording output port stands in for the relay.
struct TapBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "taps", abstract: "Time NFC taps from the card appearing to the relay command.")

    @Option(help: "Taps to time in each round.") var taps = 300
    @Option(help: "Minutes of idle polling between a first and a second round; 0: one round.") var idleMinutes = 0
    @Option(help: "The release gatehouse binary (applies the bundle).") var gatehouse: String

    /// The GPIO lines: when each relay pulse was asked for; the inputs never change.
    final class TimedOutputs: GPIOPort {
        let pulses = Mutex<[ContinuousClock.Instant]>([])
        func pulse(_ output: String, milliseconds: Int) {
            let now = ContinuousClock.now
            pulses.withLock { $0.append(now) }
        }
        func hold(_ output: String, active: Bool) {}
        func claim() {}
        func watch(reporting report: @escaping @Sendable (InputChange) -> Void) {}
        func release() {}
        func lineLevels() -> LineLevels { LineLevels(outputs: [:], inputs: [:]) }
        var count: Int { pulses.withLock { $0.count } }
    }

    func run() async throws {
        let directory = TemporaryDirectory("gatehouse-bench")
        let emulator = try PN532Emulator(link: directory.file("pn532"))
        let configPath = try SiteInitializer(site: "bench", device: "gate-01", nfcConnection: emulator.connection).write(to: directory.path)[0]
        try await applyBundle(directory: directory, configPath: configPath)

        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let outputs = TimedOutputs()
        var dependencies = DaemonDependencies(software: "bench", logger: logger, configPath: configPath)
        dependencies.gpio = outputs
        let daemon = try buildDaemon(config: try ConfigFile.loadForDaemon(configPath).config, dependencies: dependencies)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await daemon.run() }
            try await Self.waitForPolls(emulator, 5)
            try await Self.report("first round", Self.measure(emulator, outputs, taps: taps) { emulator.place(uid: Self.anna) })
            if idleMinutes > 0 {
                let before = emulator.count(of: 0x4A)
                try await Task.sleep(for: .seconds(idleMinutes * 60))
                print("idle: \(idleMinutes) min, \(emulator.count(of: 0x4A) - before) polls")
                try await Self.report("after \(idleMinutes) min idle", Self.measure(emulator, outputs, taps: taps) { emulator.place(uid: Self.anna) })
            }
            await daemon.shutdown()
            try await group.waitForAll()
        }
    }

    /// `taps` taps, each `place` putting the card on the reader: card appearing to relay command.
    static func measure(_ emulator: PN532Emulator, _ outputs: TimedOutputs, taps: Int, place: () -> Void) async throws -> [Duration] {
        var latencies: [Duration] = []
        var random = SystemRandomNumberGenerator()
        for _ in 0..<taps {
            // Not in step with the poll cycle: the card comes at any point of it.
            try await Task.sleep(for: .milliseconds(Int.random(in: 0..<60, using: &random)))
            let before = outputs.count
            let appeared = ContinuousClock.now
            place()
            while outputs.count == before {
                guard ContinuousClock.now - appeared < .seconds(10) else { throw ValidationError("no relay command within 10 s of a tap") }
                try await Task.sleep(for: .milliseconds(1))
            }
            latencies.append(outputs.pulses.withLock { $0[before] } - appeared)
            emulator.remove()
            try await Self.waitForPolls(emulator, 8)  // gone for longer than the removal time
        }
        return latencies
    }

    static func report(_ round: String, _ latencies: [Duration]) {
        let sorted = Latencies(latencies)
        let milliseconds = { (quantile: Double) in String(format: "%.1f ms", sorted.microseconds(quantile) / 1000) }
        print("\(round): \(latencies.count) taps, card appearing to relay command: p50 \(milliseconds(0.5)), p99 \(milliseconds(0.99)), max \(milliseconds(1.0))")
    }

    static func waitForPolls(_ emulator: PN532Emulator, _ count: Int) async throws {
        let target = emulator.count(of: 0x4A) + count
        while emulator.count(of: 0x4A) < target { try await Task.sleep(for: .milliseconds(5)) }
    }

    static let anna: [UInt8] = [0x04, 0xA2, 0xB3, 0xC4, 0xD5, 0xE6, 0xF7]

    private func applyBundle(directory: TemporaryDirectory, configPath: String) async throws {
        let input = directory.write(
            "site.jsonl",
            [
                Records.zone("site"), Records.person("anna"), Records.badge("c-anna", person: "anna", uid: BadgeUID.hex(Self.anna)),
                Records.grant("g-anna", person: "anna", zones: ["site"]),
            ].joined(separator: "\n") + "\n")
        let key = try SigningKey(contentsOf: directory.file("keys/private/bundle.jwk"))
        let bundle = directory.file("snapshot.bundle")
        _ = try await BundleBuilder(request: BundleBuildRequest(site: "bench", version: 1, inputs: [input]), key: key)
            .build(to: bundle, issuedAt: Timestamp(millisecondsSinceEpoch: 0))
        let applied = try Subprocess.run(gatehouse, ["bundle", "apply", bundle, "--config", configPath])
        guard applied.status == 0 else { throw ValidationError("apply failed: \(applied.standardError)") }
    }
}
