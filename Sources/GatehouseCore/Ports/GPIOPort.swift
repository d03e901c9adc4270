/// A change of an input line, after debouncing: `active` is the logical level (an active-low
/// line is already inverted).
public struct InputChange: Sendable, Equatable {
    public var input: String
    public var active: Bool

    public init(input: String, active: Bool) {
        self.input = input
        self.active = active
    }
}

/// Every GPIO line a device uses: the outputs it drives and the inputs it watches. Implemented
/// by the libgpiod adapter and by its simulated twin. The daemon claims the lines when it is
/// built, so that a missing chip stops it at once; watches them while it runs; and releases
/// them last, when it stops.
public protocol GPIOPort: OutputPort {
    /// Claims every line: each output in its running state (``GatehouseConfig/runningState(of:)``),
    /// each input as an edge source. Throws, naming the chip and the line, when one cannot be had.
    func claim() throws
    /// Starts the port's own thread, which hands each debounced input change to `report` and
    /// ends pulses on time.
    func watch(reporting report: @escaping @Sendable (InputChange) -> Void)
    /// Ends the thread, sets every output to its safe state and releases every line; idempotent.
    func release()
    /// The logical level of every line now: each output as driven, each input as last
    /// debounced (true: active).
    func lineLevels() -> LineLevels
}

/// The logical levels of a device's lines, by name (true: active), for `gatehouse status`.
public struct LineLevels: Sendable, Equatable {
    public var outputs: [String: Bool]
    public var inputs: [String: Bool]

    public init(outputs: [String: Bool], inputs: [String: Bool]) {
        self.outputs = outputs
        self.inputs = inputs
    }
}
