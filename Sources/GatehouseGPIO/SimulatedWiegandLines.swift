import GatehouseCore
import GatehouseThreads
import Glibc
import Synchronization

/// The Wiegand lines' simulated twin: pulses are queued with their timestamps (a recorded
/// edge sequence, or a card sent with ``send(bits:)``), and each wait hands over those queued,
/// returning at once when there are any. ``unplug()`` makes the next look fail, as a cut
/// cable would.
public final class SimulatedWiegandLines: WiegandLinesPort {
    private struct State {
        var queued: [[WiegandPulse]] = []
        var isOpen = false
        var unplugged = false
        var interrupted = false
        /// The timestamp of the next sent frame, in microseconds.
        var clock: Int64 = 1_000_000
    }

    private let state = Mutex(State())
    public let connection: String

    public init(connection: String = "simulated-wiegand") {
        self.connection = connection
    }

    /// Queues a recorded edge sequence, handed over in one wait.
    public func feed(_ pulses: [WiegandPulse]) {
        state.withLock { $0.queued.append(pulses) }
    }

    /// Queues a frame of `bits` ("0110…"), one bit every 2 ms, after the frames before it.
    public func send(bits: String) {
        let pulses = state.withLock { state -> [WiegandPulse] in
            let start = state.clock
            let pulses = bits.enumerated().map { index, bit in WiegandPulse(bit == "1" ? .d1 : .d0, at: start + Int64(index) * 2000) }
            state.clock = start + Int64(bits.count) * 2000 + 100_000
            return pulses
        }
        feed(pulses)
    }

    /// Makes the reader fail until ``plug()``.
    public func unplug() { state.withLock { $0.unplugged = true } }
    public func plug() { state.withLock { $0.unplugged = false } }

    public func open() throws(ReaderFault) {
        let unplugged = state.withLock { state in
            state.interrupted = false
            if !state.unplugged { state.isOpen = true }
            return state.unplugged
        }
        if unplugged { throw ReaderFault(.openFailed, "\(connection): no such chip (unplugged)") }
    }

    public func pulses(waitingMilliseconds milliseconds: Int) throws(ReaderFault) -> [WiegandPulse] {
        let deadline = MonotonicClock.milliseconds() + Int64(milliseconds)
        while true {
            let (batch, fault) = state.withLock { state -> ([WiegandPulse]?, ReaderFault?) in
                if state.interrupted { return (nil, ReaderFault(.aborted, "interrupted")) }
                if state.unplugged || !state.isOpen { return (nil, ReaderFault(.ioError, "\(connection): the lines are gone")) }
                return (state.queued.isEmpty ? nil : state.queued.removeFirst(), nil)
            }
            if let fault { throw fault }
            if let batch { return batch }
            let left = deadline - MonotonicClock.milliseconds()
            guard left > 0 else { return [] }
            usleep(UInt32(min(left, 5)) * 1000)
        }
    }

    public func interrupt() {
        state.withLock { $0.interrupted = true }
    }

    public func close() {
        state.withLock { $0.isOpen = false }
    }
}
