import CGPIOD
import GatehouseCore
import Glibc
import Synchronization

/// A Wiegand reader's DATA0 and DATA1 through libgpiod 1.6: both lines requested as
/// falling-edge event sources (the lines idle high; a bit is a pulse low), events read with
/// the kernel's timestamps. Waits are bounded (at most the time asked, which the reader keeps
/// at 100 ms or less), so a stop is noticed.
// The chip and lines are touched only by the reader's thread (open, pulses, close); interrupt
// only sets an atomic flag.
public final class GPIODWiegandLines: WiegandLinesPort, @unchecked Sendable {
    private static let consumer = "gatehouse-wiegand"
    private let settings: ReaderConfig.WiegandSettings
    private var chip: GPIODChip?
    private var lines: [(line: WiegandDecoder.Line, handle: OpaquePointer, fd: Int32)] = []
    private let interrupted = Atomic<Bool>(false)

    public init(settings: ReaderConfig.WiegandSettings) {
        self.settings = settings
    }

    public var connection: String { "\(settings.chip):\(settings.d0),\(settings.d1)" }

    public func open() throws(ReaderFault) {
        close()
        interrupted.store(false, ordering: .relaxed)
        do throws(GPIOError) {
            let chip = try GPIODChip(name: settings.chip, for: "a Wiegand reader")
            for (line, offset) in [(WiegandDecoder.Line.d0, settings.d0), (.d1, settings.d1)] {
                let handle = try chip.line(offset, for: "Wiegand \(line == .d0 ? "DATA0" : "DATA1")")
                guard gpiod_line_request_falling_edge_events(handle, Self.consumer) == 0 else {
                    throw GPIOError(.request, "cannot claim \(settings.chip) line \(offset) for Wiegand: \(String(cString: strerror(errno)))")
                }
                lines.append((line, handle, gpiod_line_event_get_fd(handle)))
            }
            self.chip = chip
        } catch {
            lines = []
            throw ReaderFault(.openFailed, error.message)
        }
    }

    public func pulses(waitingMilliseconds milliseconds: Int) throws(ReaderFault) -> [WiegandPulse] {
        guard !lines.isEmpty else { throw ReaderFault(.ioError, "the Wiegand lines are not open") }
        guard !interrupted.load(ordering: .relaxed) else { throw ReaderFault(.aborted, "interrupted") }
        var descriptors = lines.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        let ready = descriptors.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), Int32(max(0, min(milliseconds, 100)))) }
        guard ready >= 0 else {
            if errno == EINTR { return [] }
            throw ReaderFault(.ioError, "poll on the Wiegand lines failed: \(String(cString: strerror(errno)))")
        }
        var pulses: [WiegandPulse] = []
        var events = [gpiod_line_event](repeating: gpiod_line_event(), count: 64)
        for (index, line) in lines.enumerated() where descriptors[index].revents & Int16(POLLIN) != 0 {
            let count = events.withUnsafeMutableBufferPointer { gpiod_line_event_read_fd_multiple(line.fd, $0.baseAddress, UInt32($0.count)) }
            guard count >= 0 else { throw ReaderFault(.ioError, "reading Wiegand edges failed: \(String(cString: strerror(errno)))") }
            for event in events.prefix(Int(count)) {
                pulses.append(WiegandPulse(line.line, at: Int64(event.ts.tv_sec) * 1_000_000 + Int64(event.ts.tv_nsec) / 1000))
            }
        }
        // Both lines' events, merged in the order the kernel saw them.
        return pulses.sorted { $0.microseconds < $1.microseconds }
    }

    public func interrupt() {
        interrupted.store(true, ordering: .relaxed)
    }

    public func close() {
        lines = []
        chip = nil  // closing the chip releases its lines
    }
}
