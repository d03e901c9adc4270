import GatehouseCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A USB barcode scanner in keyboard-wedge mode, read through its evdev device
/// (`/dev/input/eventN`). The device is grabbed (`EVIOCGRAB`), so that its keystrokes reach this
/// reader only and never a console or another program; the key codes are typed back into text
/// with the configured layout, one code per Enter. Each poll waits up to 100 ms for input.
public final class KeyboardWedgeScanner: CredentialReaderPort {
    /// The device path.
    public let connection: String
    private let layout: KeyboardLayout

    private struct State {
        /// Owned while open: opened and grabbed in open(), closed (which ends the grab) in close().
        var descriptor: Int32 = -1
        var pending: [UInt8] = []
        var decoder: KeystrokeDecoder
        var lines: [String] = []
    }

    private let state: Mutex<State>

    /// `struct input_event` on 64-bit Linux: a 16-byte time, then type, code (16 bits each) and
    /// value (32 bits), little-endian.
    static let eventSize = 24
    static let keyEvent: UInt16 = 1
    /// `EVIOCGRAB`, `_IOW('E', 0x90, int)`: a function-like macro, so its value is written here.
    static let grab: UInt = 0x4004_4590

    public init(device: String, layout: KeyboardLayout.Name) {
        connection = device
        self.layout = KeyboardLayout(layout)
        state = Mutex(State(decoder: KeystrokeDecoder(layout: KeyboardLayout(layout))))
    }

    deinit {
        close()
    }

    public func open() throws(ReaderFault) {
        close()
        let descriptor = Glibc.open(connection, O_RDONLY | O_NONBLOCK)
        guard descriptor >= 0 else { throw ReaderFault(.openFailed, "\(connection): \(String(cString: strerror(errno)))") }
        guard ioctl(descriptor, Self.grab, 1) == 0 else {
            let reason = errno == EBUSY ? "another program has grabbed it" : "not an input device (\(String(cString: strerror(errno))))"
            Glibc.close(descriptor)
            throw ReaderFault(.openFailed, "\(connection): cannot take the scanner for this reader alone: \(reason)")
        }
        state.withLock { $0 = State(descriptor: descriptor, decoder: KeystrokeDecoder(layout: layout)) }
    }

    public func poll() throws(ReaderFault) -> [UInt8]? {
        let descriptor = state.withLock { $0.descriptor }
        guard descriptor >= 0 else { throw ReaderFault(.ioError, "\(connection): the scanner is not open") }
        if let line = state.withLock({ $0.lines.isEmpty ? nil : $0.lines.removeFirst() }) { return Array(line.utf8) }
        var waiting = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = Glibc.poll(&waiting, 1, 100)
        if ready < 0 && errno != EINTR { throw ReaderFault(.ioError, "\(connection): \(String(cString: strerror(errno)))") }
        guard ready > 0 else { return nil }
        var chunk = [UInt8](repeating: 0, count: Self.eventSize * 64)
        let count = Glibc.read(descriptor, &chunk, chunk.count)
        if count < 0 && errno != EAGAIN && errno != EINTR { throw ReaderFault(.ioError, "\(connection): \(String(cString: strerror(errno)))") }
        if count == 0 || (count < 0 && waiting.revents & Int16(POLLHUP | POLLERR) != 0) {
            throw ReaderFault(.ioError, "\(connection): the scanner went away")
        }
        return state.withLock { state in
            if count > 0 { state.pending += chunk[0..<count] }
            for (code, value) in Self.keyEvents(in: &state.pending) {
                if let line = state.decoder.on(key: code, value: value) { state.lines.append(line) }
            }
            return state.lines.isEmpty ? nil : Array(state.lines.removeFirst().utf8)
        }
    }

    /// Polls wait at most 100 ms, so there is nothing to interrupt.
    public func interrupt() {}

    public func close() {
        let descriptor = state.withLock { state in
            defer { state = State(decoder: KeystrokeDecoder(layout: layout)) }
            return state.descriptor
        }
        if descriptor >= 0 { Glibc.close(descriptor) }
    }

    /// The key events among the whole `input_event` records in `buffer`, taken out of it; a
    /// partial record stays for the next read.
    static func keyEvents(in buffer: inout [UInt8]) -> [(code: UInt16, value: Int32)] {
        let whole = buffer.count / eventSize * eventSize
        var events: [(code: UInt16, value: Int32)] = []
        for start in stride(from: 0, to: whole, by: eventSize) {
            func word(_ offset: Int) -> UInt16 { UInt16(buffer[start + offset]) | UInt16(buffer[start + offset + 1]) << 8 }
            guard word(16) == keyEvent else { continue }
            let value = UInt32(word(20)) | UInt32(word(22)) << 16
            events.append((word(18), Int32(bitPattern: value)))
        }
        buffer.removeFirst(whole)
        return events
    }
}
