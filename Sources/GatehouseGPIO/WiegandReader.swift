import GatehouseCore
import Synchronization

/// A Wiegand reader as the daemon's reader loop sees it: the pulses of its two data lines
/// (libgpiod, or the simulated twin) through the core's ``WiegandDecoder``, as card numbers,
/// keypad keys and bad frames. A frame ends after `quiet_ms` without a pulse; that quiet is
/// measured by the bounded wait itself, so the kernel's timestamps and this process's clock
/// never have to agree.
public final class WiegandReader: CredentialReaderPort {
    private let lines: any WiegandLinesPort
    /// Only the reader's own thread touches the decoder; the mutex makes that checkable.
    private let decoder: Mutex<Decoding>

    private struct Decoding {
        var decoder: WiegandDecoder
        /// Frames ended and not yet returned.
        var ended: [WiegandDecoder.Frame] = []
    }
    private let quietMilliseconds: Int

    public init(lines: any WiegandLinesPort, settings: ReaderConfig.WiegandSettings) {
        self.lines = lines
        quietMilliseconds = settings.quietMilliseconds
        decoder = Mutex(Decoding(decoder: WiegandDecoder(formats: settings.formats, quietMicroseconds: Int64(settings.quietMilliseconds) * 1000)))
    }

    public var connection: String { lines.connection }
    public func open() throws(ReaderFault) { try lines.open() }
    public func interrupt() { lines.interrupt() }
    public func close() {
        lines.close()
        // A frame cut short by a reopen is dropped, never decided.
        decoder.withLock { state in state = Decoding(decoder: WiegandDecoder(formats: state.decoder.formats, quietMicroseconds: state.decoder.quietMicroseconds)) }
    }

    /// Never used: ``read()`` is this reader's look.
    public func poll() throws(ReaderFault) -> [UInt8]? { nil }

    /// Waits up to 100 ms for pulses; a frame that ended is returned as what it is. Frames
    /// that ended together (two within one wait) are returned one per look, in order.
    public func read() throws(ReaderFault) -> ReaderInput? {
        if let queued = decoder.withLock({ $0.ended.isEmpty ? nil : $0.ended.removeFirst() }) { return ReaderInput(frame: queued) }
        let waiting = decoder.withLock { $0.decoder.dueAt != nil } ? quietMilliseconds : 100
        let pulses = try lines.pulses(waitingMilliseconds: waiting)
        return decoder.withLock { state -> ReaderInput? in
            for pulse in pulses {
                if let ended = state.decoder.pulse(pulse.line, at: pulse.microseconds) { state.ended.append(ended) }
            }
            if pulses.isEmpty, let due = state.decoder.dueAt, let ended = state.decoder.tick(at: due) {
                // The lines were quiet for the whole wait: the frame in progress is complete.
                state.ended.append(ended)
            }
            return state.ended.isEmpty ? nil : ReaderInput(frame: state.ended.removeFirst())
        }
    }

}
