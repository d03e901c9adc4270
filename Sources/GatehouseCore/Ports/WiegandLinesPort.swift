/// A Wiegand reader's two data lines: the libgpiod adapter (falling edges with the kernel's
/// timestamps) and its simulated twin (recorded edge sequences). Every call but
/// ``interrupt()`` belongs on the reader's own thread and returns within a bounded time.
public protocol WiegandLinesPort: AnyObject, Sendable {
    /// Where the lines are (`gpiochip0:5,6`). Never a secret.
    var connection: String { get }
    /// Claims both lines as falling-edge sources.
    func open() throws(ReaderFault)
    /// The pulses that came within `milliseconds` (returning as soon as some have, once the
    /// line has been quiet for a moment), oldest first; empty when none came.
    func pulses(waitingMilliseconds milliseconds: Int) throws(ReaderFault) -> [WiegandPulse]
    /// Cuts a wait short, from any thread.
    func interrupt()
    /// Releases both lines; ``open()`` may follow.
    func close()
}

/// One pulse on a data line, with the time the kernel saw its falling edge (microseconds).
public struct WiegandPulse: Sendable, Equatable {
    public var line: WiegandDecoder.Line
    public var microseconds: Int64

    public init(_ line: WiegandDecoder.Line, at microseconds: Int64) {
        self.line = line
        self.microseconds = microseconds
    }
}
