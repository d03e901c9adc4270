import GatehouseCore
import GatehouseThreads
import Logging

/// The bookkeeping both GPIO backends share: the level of each output, the pulses under way and
/// when they end, and a debouncer for each input. The backend applies what it says to its
/// lines (real or simulated) and calls it from one place at a time, under its lock.
struct LineBook: Sendable {
    /// The level each output is at, and the level it returns to after a pulse.
    private(set) var levels: [String: Bool] = [:]
    /// The level each output rests at between pulses: held, or its running state.
    private(set) var resting: [String: Bool] = [:]
    /// When each pulse under way ends.
    private var pulseEnds: [String: Int64] = [:]
    private var debouncers: [String: InputDebouncer] = [:]

    init(config: GatehouseConfig) {
        for output in config.outputs {
            let level = config.runningState(of: output)
            levels[output.id] = level
            resting[output.id] = level
        }
        for input in config.inputs {
            debouncers[input.id] = InputDebouncer(debounceMilliseconds: input.debounceMilliseconds)
        }
    }

    /// Starts a pulse: the output goes active until `now + milliseconds`. False for an output
    /// that was not claimed.
    mutating func pulse(_ output: String, milliseconds: Int, now: Int64) -> Bool {
        guard levels[output] != nil else { return false }
        levels[output] = true
        pulseEnds[output] = now + Int64(milliseconds)
        return true
    }

    /// Holds an output at a level until told otherwise; a pulse under way is cancelled. False
    /// for an output that was not claimed.
    mutating func hold(_ output: String, active: Bool) -> Bool {
        guard levels[output] != nil else { return false }
        levels[output] = active
        resting[output] = active
        pulseEnds[output] = nil
        return true
    }

    /// Every line's logical level: outputs as driven, inputs as last debounced.
    var lineLevels: LineLevels { LineLevels(outputs: levels, inputs: debouncers.mapValues(\.level)) }

    /// The first level an input is read at, taken as already stable.
    mutating func settle(_ input: String, level: Bool) {
        guard let debounce = debouncers[input]?.debounceMilliseconds else { return }
        debouncers[input] = InputDebouncer(debounceMilliseconds: Int(debounce), level: level)
    }

    /// A raw reading of an input: the change it ends, if the level before it had lasted its
    /// debounce time by now (whether or not the thread looked in time), and the change it
    /// makes, if it needs no debouncing.
    mutating func sample(_ input: String, raw: Bool, now: Int64) -> [InputChange] {
        guard var debouncer = debouncers[input] else { return [] }
        let levels = [debouncer.poll(at: now), debouncer.sample(raw, at: now)].compactMap { $0 }
        debouncers[input] = debouncer
        return levels.map { InputChange(input: input, active: $0) }
    }

    /// What time has brought: the outputs whose pulse ended (now back at rest) and the inputs
    /// that became stable.
    mutating func advance(to now: Int64) -> (ended: [(output: String, level: Bool)], changes: [InputChange]) {
        var ended: [(String, Bool)] = []
        for (output, end) in pulseEnds where now >= end {
            pulseEnds[output] = nil
            let level = resting[output] ?? false
            levels[output] = level
            ended.append((output, level))
        }
        var changes: [InputChange] = []
        for input in debouncers.keys.sorted() {
            if let level = debouncers[input]?.poll(at: now) { changes.append(InputChange(input: input, active: level)) }
        }
        return (ended, changes)
    }

    /// When something next falls due: a pulse's end or an input's debounce.
    var nextDue: Int64? {
        (Array(pulseEnds.values) + debouncers.values.compactMap(\.dueAt)).min()
    }

    /// Milliseconds on the monotonic clock both backends time pulses and debouncing with.
    static func now() -> Int64 { MonotonicClock.milliseconds() }

    /// An output the lines were not claimed for: logged, never fatal.
    static func logUnknown(_ output: String, _ logger: Logger) {
        logger.error("no such output among the claimed lines", metadata: ["gpio.output": "\(output)", "refusal.reason": "unknown_output"])
    }
}
