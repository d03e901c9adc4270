import Dispatch
import Foundation
import GatehouseCore
import GatehouseThreads
import Logging
import Synchronization

/// The simulated twin of the libgpiod adapter, for tests, the demo and devices configured with
/// `hardware.gpio = "simulated"`: the same outputs, pulses, debouncing and safe states, on
/// lines that exist only in memory. Inputs are set with ``setInput(_:high:)`` (the control
/// socket's `input` request, from `gatehouse simulate … input NAME high|low`).
///
/// With a `stateFile`, the level each output rests at (held, or at its running or safe state;
/// pulses are logged, not written) goes there, as JSON replaced atomically, each time the lines
/// are claimed or released or an output is held, so that a test or an installer can see what the
/// relays would do across a stop and a restart.
public final class SimulatedGPIO: GPIOPort, InputSimulatorPort {
    /// One pulse, as it was asked for.
    public struct Pulse: Sendable, Equatable {
        public var output: String
        public var milliseconds: Int
    }

    private struct State: Sendable {
        var book: LineBook
        var raw: [String: Bool] = [:]
        var pulses: [Pulse] = []
        var claimed = false
        var report: (@Sendable (InputChange) -> Void)?
    }

    private let config: GatehouseConfig
    private let stateFile: String?
    private let logger: Logger
    private let state: Mutex<State>
    private let stopping = Atomic<Bool>(false)
    /// The watching thread, once started.
    private let thread = Mutex<DedicatedThread?>(nil)
    private let watching = Atomic<Bool>(false)

    public init(config: GatehouseConfig, stateFile: String? = nil, logger: Logger) {
        self.config = config
        self.stateFile = stateFile
        self.logger = logger
        state = Mutex(State(book: LineBook(config: config)))
    }

    /// Where a daemon keeps its simulated lines' levels: beside its database.
    public static func stateFile(forDatabase database: String) -> String {
        URL(fileURLWithPath: database).deletingLastPathComponent().appendingPathComponent("gpio-simulated.json").path
    }

    public func claim() throws {
        state.withLock { $0.claimed = true }
        logger.info("GPIO lines claimed", metadata: ["gpio.backend": "simulated", "gpio.outputs": "\(config.outputs.count)", "gpio.inputs": "\(config.inputs.count)"])
        writeState()
    }

    public func watch(reporting report: @escaping @Sendable (InputChange) -> Void) {
        precondition(!watching.exchange(true, ordering: .relaxed), "the simulated GPIO is watched once")
        state.withLock { $0.report = report }
        let watcher = DedicatedThread(name: "gatehouse.gpio") { [self] stop in
            while !stopping.load(ordering: .relaxed) {
                advance()
                stop.pause(milliseconds: 10)
            }
        }
        thread.withLock { $0 = watcher }
    }

    public func lineLevels() -> LineLevels { state.withLock { $0.book.lineLevels } }

    public func release() {
        if watching.load(ordering: .relaxed), !stopping.exchange(true, ordering: .relaxed) {
            let watcher = thread.withLock { $0 }
            watcher?.requestStop()
            watcher?.joinBlocking()
        }
        let wasClaimed = state.withLock { state in
            defer { state.claimed = false }
            guard state.claimed else { return false }
            for output in config.outputs { _ = state.book.hold(output.id, active: output.safeState == .active) }
            return true
        }
        guard wasClaimed else { return }
        logger.info("GPIO lines released: every output at its safe state", metadata: ["gpio.backend": "simulated"])
        writeState()
    }

    public func pulse(_ output: String, milliseconds: Int) {
        let known = state.withLock {
            $0.pulses.append(Pulse(output: output, milliseconds: milliseconds))
            return $0.book.pulse(output, milliseconds: milliseconds, now: LineBook.now())
        }
        guard known else { return LineBook.logUnknown(output, logger) }
        logger.info("relay pulsed", metadata: ["gpio.output": "\(output)", "gpio.pulse_ms": "\(milliseconds)", "gpio.backend": "simulated"])
    }

    public func hold(_ output: String, active: Bool) {
        guard state.withLock({ $0.book.hold(output, active: active) }) else { return LineBook.logUnknown(output, logger) }
        logger.info("output held", metadata: ["gpio.output": "\(output)", "gpio.level": "\(active ? "active" : "inactive")", "gpio.backend": "simulated"])
        writeState()
    }

    /// Sets the level of `input`; returns whether it changed. The level is the logical one:
    /// high is active (a door open, a button pressed), whatever the line's `active_low`. The
    /// change is reported once it has lasted the input's debounce time.
    @discardableResult
    public func setInput(_ input: String, high: Bool) -> Bool {
        let (changed, report, changes) = state.withLock { state in
            let changed = (state.raw[input] ?? false) != high
            state.raw[input] = high
            return (changed, state.report, state.book.sample(input, raw: high, now: LineBook.now()))
        }
        logger.info(
            changed ? "input changed" : "input unchanged",
            metadata: ["gpio.input": "\(input)", "gpio.level": "\(high ? "high" : "low")", "gpio.backend": "simulated"])
        for change in changes { report?(change) }
        return changed
    }

    /// Every pulse so far, oldest first.
    public var pulses: [Pulse] { state.withLock { $0.pulses } }

    /// Each output's level now.
    public var levels: [String: Bool] { state.withLock { $0.book.levels } }

    private func advance() {
        let (changes, report) = state.withLock { state in
            (state.book.advance(to: LineBook.now()).changes, state.report)
        }
        for change in changes { report?(change) }
    }

    /// `{"claimed":true,"outputs":{"gate-relay":"inactive",…}}`, keys sorted.
    private func writeState() {
        guard let stateFile else { return }
        let (claimed, levels) = state.withLock { ($0.claimed, $0.book.resting) }
        let outputs = levels.keys.sorted().map { "\"\($0)\":\"\(levels[$0] == true ? "active" : "inactive")\"" }.joined(separator: ",")
        let text = "{\"claimed\":\(claimed),\"outputs\":{\(outputs)}}\n"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: stateFile), options: .atomic)
        } catch {
            logger.warning("cannot write the simulated GPIO state", metadata: ["gpio.state_file": "\(stateFile)", "error": "\(error)"])
        }
    }

}
