import GatehouseCore
import Logging
import Synchronization

/// The simulated twin of the GPIO outputs: logs what a relay would do and remembers it, for
/// tests, the demo and devices configured with `hardware.gpio = "simulated"`.
public final class SimulatedOutputs: OutputPort {
    /// One pulse, as it was asked for.
    public struct Pulse: Sendable, Equatable {
        public var output: String
        public var milliseconds: Int
    }

    private let logger: Logger
    private let recorded = Mutex<[Pulse]>([])

    public init(logger: Logger) {
        self.logger = logger
    }

    public func pulse(_ output: String, milliseconds: Int) {
        recorded.withLock { $0.append(Pulse(output: output, milliseconds: milliseconds)) }
        logger.info("relay pulsed", metadata: ["gpio.output": "\(output)", "gpio.pulse_ms": "\(milliseconds)", "gpio.backend": "simulated"])
    }

    /// Every pulse so far, oldest first.
    public var pulses: [Pulse] { recorded.withLock { $0 } }
}
