import CGPIOD
import Dispatch
import Foundation
import GatehouseCore
import GatehouseThreads
import Glibc
import Logging
import Synchronization

/// The GPIO lines of `hardware.gpio = "gpiod"`, through libgpiod 1.6: outputs requested as
/// outputs at their running level, inputs as sources of both edges, each with its active-low
/// flag. The adapter's own thread waits on the inputs' event descriptors with `poll` (at most
/// 50 ms at a time, so that a stop is noticed and pulses end on time), debounces what it reads,
/// and reports each change.
///
/// On release every output is set to its safe state and the chips are closed, which releases
/// the lines; if the daemon dies instead, the kernel releases them, and the relays' wiring
/// takes them to the same safe state.
// The chips and lines are touched by the claiming thread before the watch thread starts, by
// the watch thread (inputs) and by callers of pulse and hold (outputs, under `outputLock`),
// and by release after the watch thread has ended: never by two threads at once.
public final class GPIODLines: GPIOPort, @unchecked Sendable {
    private static let consumer = "gatehouse"

    private let config: GatehouseConfig
    private let logger: Logger
    private var chips: [String: GPIODChip] = [:]
    private var outputLines: [String: OpaquePointer] = [:]
    private var inputLines: [(id: String, line: OpaquePointer, fd: Int32)] = []
    private let book: Mutex<LineBook>
    private let outputLock = Mutex<Void>(())
    private let stopping = Atomic<Bool>(false)
    private let watching = Atomic<Bool>(false)
    /// The watching thread, once started.
    private let thread = Mutex<DedicatedThread?>(nil)

    public init(config: GatehouseConfig, logger: Logger) {
        self.config = config
        self.logger = logger
        book = Mutex(LineBook(config: config))
    }

    public func claim() throws {
        do {
            for output in config.outputs {
                let user = "output \(output.id), line \(output.address.line)"
                let line = try chip(output.address.chip, for: user).line(output.address.line, for: user)
                let level: Int32 = config.runningState(of: output) ? 1 : 0
                guard gpiod_line_request_output_flags(line, Self.consumer, Self.flags(output.address), level) == 0 else {
                    throw GPIOError(.request, "cannot claim line \(output.address.line) of \"\(output.address.chip)\" for \(user): \(Self.lastError())")
                }
                outputLines[output.id] = line
            }
            for input in config.inputs {
                let user = "input \(input.id), line \(input.address.line)"
                let line = try chip(input.address.chip, for: user).line(input.address.line, for: user)
                guard gpiod_line_request_both_edges_events_flags(line, Self.consumer, Self.flags(input.address)) == 0 else {
                    throw GPIOError(.request, "cannot watch line \(input.address.line) of \"\(input.address.chip)\" for \(user): \(Self.lastError())")
                }
                let level = gpiod_line_get_value(line)
                book.withLock { $0.settle(input.id, level: level == 1) }
                inputLines.append((input.id, line, gpiod_line_event_get_fd(line)))
            }
        } catch let error as GPIOError {
            closeChips()
            throw error
        }
        logger.info("GPIO lines claimed", metadata: ["gpio.backend": "gpiod", "gpio.chips": "\(chips.keys.sorted())"])
    }

    public func watch(reporting report: @escaping @Sendable (InputChange) -> Void) {
        precondition(!watching.exchange(true, ordering: .relaxed), "the GPIO lines are watched once")
        let watcher = DedicatedThread(name: "gatehouse.gpio") { [self] in
            while !stopping.load(ordering: .relaxed) { waitOnce(report) }
        }
        thread.withLock { $0 = watcher }
    }

    public func lineLevels() -> LineLevels { book.withLock { $0.lineLevels } }

    public func release() {
        if watching.load(ordering: .relaxed), !stopping.exchange(true, ordering: .relaxed) {
            let watcher = thread.withLock { $0 }
            watcher?.requestStop()
            watcher?.joinBlocking()
        }
        guard !chips.isEmpty else { return }
        outputLock.withLock { _ in
            for output in config.outputs {
                if let line = outputLines[output.id] { gpiod_line_set_value(line, output.safeState == .active ? 1 : 0) }
            }
            outputLines = [:]  // later pulses find no line; the chips below own and free them
        }
        closeChips()
        logger.info("GPIO lines released: every output at its safe state", metadata: ["gpio.backend": "gpiod"])
    }

    public func pulse(_ output: String, milliseconds: Int) {
        guard book.withLock({ $0.pulse(output, milliseconds: milliseconds, now: LineBook.now()) }) else {
            return LineBook.logUnknown(output, logger)
        }
        set(output, active: true)
    }

    public func hold(_ output: String, active: Bool) {
        guard book.withLock({ $0.hold(output, active: active) }) else { return LineBook.logUnknown(output, logger) }
        set(output, active: active)
    }

    private func set(_ output: String, active: Bool) {
        outputLock.withLock { _ in
            guard let line = outputLines[output] else { return }
            if gpiod_line_set_value(line, active ? 1 : 0) != 0 {
                logger.error("cannot set an output", metadata: ["gpio.output": "\(output)", "error": "\(Self.lastError())"])
            }
        }
    }

    /// One bounded wait: read the edges that came, then what time has brought.
    private func waitOnce(_ report: @Sendable (InputChange) -> Void) {
        let now = LineBook.now()
        let timeout = Int32(max(0, min(50, (book.withLock { $0.nextDue } ?? (now + 50)) - now)))
        var descriptors = inputLines.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        let ready = descriptors.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), timeout) }
        if ready > 0 {
            for (index, input) in inputLines.enumerated() where descriptors[index].revents & Int16(POLLIN) != 0 {
                var event = gpiod_line_event()
                guard gpiod_line_event_read(input.line, &event) == 0 else { continue }
                let raw = event.event_type == Int32(GPIOD_LINE_EVENT_RISING_EDGE)
                for change in book.withLock({ $0.sample(input.id, raw: raw, now: LineBook.now()) }) { report(change) }
            }
        }
        let (ended, changes) = book.withLock { $0.advance(to: LineBook.now()) }
        for (output, level) in ended { set(output, active: level) }
        for change in changes { report(change) }
    }

    private func chip(_ name: String, for user: String) throws(GPIOError) -> GPIODChip {
        if let chip = chips[name] { return chip }
        let chip = try GPIODChip(name: name, for: user)
        chips[name] = chip
        return chip
    }

    private func closeChips() {
        outputLock.withLock { _ in outputLines = [:] }
        inputLines = []
        chips = [:]  // each GPIODChip closes its handle, releasing its lines
    }

    private static func flags(_ address: GPIOLineAddress) -> Int32 {
        address.activeLow ? Int32(GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW) : 0
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
