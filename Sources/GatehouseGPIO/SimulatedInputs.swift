import GatehouseCore
import Logging
import Synchronization

/// The simulated twin of the GPIO inputs: door contacts, exit buttons, rotation sensors,
/// tamper switches and the fire-alarm input, set by `gatehouse simulate … input NAME high|low`.
/// It logs each change and remembers the levels; the door state machine (the GPIO issue)
/// will consume the changes.
public final class SimulatedInputs: Sendable {
    private let logger: Logger
    private let levels = Mutex<[String: Bool]>([:])

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Sets `input` high (active) or low; returns whether the level changed. Every input
    /// starts low.
    @discardableResult
    public func set(_ input: InputLineConfig, high: Bool) -> Bool {
        let changed = levels.withLock { levels in
            defer { levels[input.id] = high }
            return (levels[input.id] ?? false) != high
        }
        logger.info(
            changed ? "input changed" : "input unchanged",
            metadata: ["gpio.input": "\(input.id)", "gpio.role": "\(input.role.rawValue)", "gpio.level": "\(high ? "high" : "low")", "gpio.backend": "simulated"])
        return changed
    }

    /// The level of `input`: false (low) until set.
    public func level(_ input: String) -> Bool { levels.withLock { $0[input] ?? false } }
}
