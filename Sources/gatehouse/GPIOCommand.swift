import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseDaemon
import GatehouseGPIO
import GatehouseStore
import Logging

/// `gatehouse gpio`: wiring checks for installers: pulse an output, watch inputs, by their
/// names in the configuration. The daemon holds the lines while it runs, so both refuse then.
struct GPIOCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gpio", abstract: "Check the wiring: pulse an output, watch inputs, by their names in the configuration.",
        discussion: "Both need the daemon stopped (systemctl stop gatehouse): it holds the lines while it runs.",
        subcommands: [Pulse.self, Watch.self])

    /// The configuration, with the state directory's lock held so that the daemon cannot take
    /// the lines meanwhile; refused while the daemon (or a bundle apply) holds it.
    static func claimBox(_ path: String) throws -> (GatehouseConfig, StateLock) {
        let settings: GatehouseConfig
        do { settings = try ConfigFile.load(path) } catch { throw CLIFailure.refused("\(error)") }
        let lock: StateLock?
        do { lock = try StateLock.take(forDatabase: settings.database) } catch { throw CLIFailure.environment("\(error)") }
        guard let lock else {
            throw CLIFailure.refused(
                "the daemon holds the GPIO lines (its lock, \(settings.database).lock, is held): stop it first (systemctl stop gatehouse); while it runs, `gatehouse status` shows every line's level")
        }
        return (settings, lock)
    }

    /// The lines of `config` a check claims: these outputs and inputs only, each door kept so
    /// that a relay rests as the daemon would rest it.
    static func port(_ config: GatehouseConfig, outputs: [OutputLineConfig], inputs: [InputLineConfig]) -> any GPIOPort {
        var only = config
        (only.outputs, only.inputs) = (outputs, inputs)
        var logger = Logger(label: "gatehouse.gpio")
        logger.logLevel = .warning  // the command says what it did; the backend's routine lines would repeat it
        switch config.hardware.gpio {
        case .simulated: return SimulatedGPIO(config: only, logger: logger)
        case .gpiod: return GPIODLines(config: only, logger: logger)
        }
    }

    static func describe(_ address: GPIOLineAddress) -> String {
        "chip \(address.chip) line \(address.line)\(address.activeLow ? ", active low" : "")"
    }

    struct Pulse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pulse", abstract: "Pulse one output (a relay, a buzzer, a reader's LED) and let it rest again.",
            discussion: "Exit status: 0 pulsed; 1 an unknown output, or the daemon runs; 2 the line cannot be had.")

        @OptionGroup var configOption: ConfigOption
        @Argument(help: "The output's id in [[outputs]].") var output: String
        @Option(help: "How long, 10 to 60000 ms (default: the door's pulse_ms for a door's relay, else 500).") var ms: Int?

        func validate() throws {
            if let ms, !(10...60_000).contains(ms) { throw ValidationError("--ms must be from 10 to 60000, got \(ms)") }
        }

        func run() async throws {
            try await failing {
                let (config, lock) = try GPIOCommand.claimBox(configOption.path)
                defer { withExtendedLifetime(lock) {} }  // held until the line is back at rest
                try await pulse(config)
            }
        }

        private func pulse(_ config: GatehouseConfig) async throws {
                guard let line = config.outputs.first(where: { $0.id == output }) else {
                    let known = config.outputs.map(\.id).sorted().joined(separator: ", ")
                    throw CLIFailure.refused("no output \"\(output)\" in \(configOption.path); its outputs: \(known.isEmpty ? "none" : known)")
                }
                let milliseconds = ms ?? config.doors.first { $0.relay == line.id }?.pulseMilliseconds ?? 500
                let port = GPIOCommand.port(config, outputs: [line], inputs: [])
                let interruption = Interruption()
                do { try port.claim() } catch { throw CLIFailure.environment("\(error)") }
                // However the command ends, the line goes back to rest and is released.
                defer { port.release() }
                port.watch { _ in }  // its thread ends the pulse on time
                port.pulse(line.id, milliseconds: milliseconds)
                let cut = try await interruption.sleep(for: .milliseconds(milliseconds + 100))
                let simulated = config.hardware.gpio == .simulated ? " (hardware.gpio = \"simulated\": no line moved)" : ""
                let how = cut ? "interrupted: it was put back at rest at once" : "for \(milliseconds) ms"
                print("pulsed \(line.id) (\(GPIOCommand.describe(line.address))) \(how); it rests \(config.runningState(of: line) ? "active" : "inactive") again\(simulated)")
        }
    }

    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "watch", abstract: "Print inputs' levels, then each change as it happens (debounced), until interrupted.",
            discussion: "Exit status: 0 after --for, or on Ctrl-C; 1 an unknown input, or the daemon runs; 2 a line cannot be had.")

        @OptionGroup var configOption: ConfigOption
        @Argument(help: "The inputs' ids in [[inputs]] (default: every input).") var inputs: [String] = []
        @Option(name: .customLong("for"), help: "Stop after this long (30s, 5m); default: until Ctrl-C.") var duration: String?

        func validate() throws {
            if let duration, DurationText.seconds(duration) == nil { throw ValidationError(DurationText.problem("--for", duration)) }
        }

        func run() async throws {
            try await failing {
                let (config, lock) = try GPIOCommand.claimBox(configOption.path)
                defer { withExtendedLifetime(lock) {} }
                try await watch(config)
            }
        }

        private func watch(_ config: GatehouseConfig) async throws {
                let unknown = inputs.filter { config.input($0) == nil }
                guard unknown.isEmpty else {
                    let known = config.inputs.map(\.id).sorted().joined(separator: ", ")
                    throw CLIFailure.refused("no input \(unknown.map { "\"\($0)\"" }.joined(separator: ", ")) in \(configOption.path); its inputs: \(known.isEmpty ? "none" : known)")
                }
                let lines = inputs.isEmpty ? config.inputs : inputs.compactMap(config.input)
                guard !lines.isEmpty else { throw CLIFailure.refused("\(configOption.path) has no [[inputs]] to watch") }
                let interruption = Interruption()
                let port = GPIOCommand.port(config, outputs: [], inputs: lines)
                do { try port.claim() } catch { throw CLIFailure.environment("\(error)") }
                defer { port.release() }
                let levels = port.lineLevels().inputs
                for line in lines {
                    print(Self.line(line.id, line.role.rawValue, levels[line.id] == true, "(\(GPIOCommand.describe(line.address)))"))
                }
                if config.hardware.gpio == .simulated {
                    printError("hardware.gpio = \"simulated\": these lines exist only in memory and do not change by themselves")
                }
                fflush(nil)
                port.watch { change in
                    let role = config.input(change.input)?.role.rawValue ?? ""
                    print(Self.line(change.input, role, change.active, "changed"))
                    fflush(nil)
                }
                let seconds = duration.flatMap(DurationText.seconds) ?? Int64(Int32.max)
                _ = try await interruption.sleep(for: .seconds(seconds))
        }

        static func line(_ input: String, _ role: String, _ active: Bool, _ note: String) -> String {
            StatusCommand.columns([WallClock.now().rfc3339, input, role, active ? "active" : "inactive", note], widths: [26, 14, 14, 10])
        }
    }
}
