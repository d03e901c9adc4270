import GatehouseCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A barcode scanner on a serial line (`/dev/ttyACM0`, `/dev/ttyUSB0`): raw 8N1 at the
/// configured baud rate, one code per line. Each poll waits up to 100 ms for input and returns
/// the next complete line, so the reader's thread needs no rest of its own.
public final class SerialScanner: CredentialReaderPort {
    /// The device path.
    public let connection: String
    private let baudRate: Int
    private let terminator: ReaderConfig.LineTerminator

    private struct State {
        /// Owned while open: opened in open(), closed in close().
        var descriptor: Int32 = -1
        var pending: [UInt8] = []
    }

    private let state = Mutex(State())
    /// A line longer than this without a terminator is noise, not a code.
    static let longestLine = 4096

    public init(device: String, baudRate: Int, terminator: ReaderConfig.LineTerminator) {
        connection = device
        self.baudRate = baudRate
        self.terminator = terminator
    }

    deinit {
        close()
    }

    public func open() throws(ReaderFault) {
        close()
        let descriptor = Glibc.open(connection, O_RDWR | O_NOCTTY | O_NONBLOCK)
        guard descriptor >= 0 else { throw ReaderFault(.openFailed, "\(connection): \(String(cString: strerror(errno)))") }
        var settings = termios()
        let speed = Self.speed(baudRate)
        guard tcgetattr(descriptor, &settings) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw ReaderFault(.openFailed, "\(connection): not a serial line (\(reason))")
        }
        cfmakeraw(&settings)
        cfsetispeed(&settings, speed)
        cfsetospeed(&settings, speed)
        settings.c_cflag |= tcflag_t(CLOCAL | CREAD)
        tcsetattr(descriptor, TCSANOW, &settings)
        tcflush(descriptor, TCIFLUSH)
        state.withLock { $0 = State(descriptor: descriptor) }
    }

    public func poll() throws(ReaderFault) -> [UInt8]? {
        let descriptor = state.withLock { $0.descriptor }
        guard descriptor >= 0 else { throw ReaderFault(.ioError, "\(connection): the scanner is not open") }
        if let line = state.withLock({ Self.takeLine(from: &$0.pending, terminator: terminator) }) { return line }
        var waiting = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = Glibc.poll(&waiting, 1, 100)
        if ready < 0 && errno != EINTR { throw ReaderFault(.ioError, "\(connection): \(String(cString: strerror(errno)))") }
        guard ready > 0 else { return nil }
        if waiting.revents & Int16(POLLIN) == 0 && waiting.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
            throw ReaderFault(.ioError, "\(connection): the scanner went away")
        }
        var chunk = [UInt8](repeating: 0, count: 512)
        let count = Glibc.read(descriptor, &chunk, chunk.count)
        if count < 0 && errno != EAGAIN && errno != EINTR { throw ReaderFault(.ioError, "\(connection): \(String(cString: strerror(errno)))") }
        if count == 0 { throw ReaderFault(.ioError, "\(connection): the scanner went away") }
        return state.withLock { state in
            if count > 0 { state.pending += chunk[0..<count] }
            if state.pending.count > Self.longestLine { state.pending.removeFirst(state.pending.count - Self.longestLine) }
            return Self.takeLine(from: &state.pending, terminator: terminator)
        }
    }

    /// Polls wait at most 100 ms, so there is nothing to interrupt.
    public func interrupt() {}

    public func close() {
        let descriptor = state.withLock { state in
            defer { state = State() }
            return state.descriptor
        }
        if descriptor >= 0 { Glibc.close(descriptor) }
    }

    /// The first non-empty line in `buffer`, taken out with its terminator; nil until one is complete.
    static func takeLine(from buffer: inout [UInt8], terminator: ReaderConfig.LineTerminator) -> [UInt8]? {
        let (cr, lf) = (UInt8(ascii: "\r"), UInt8(ascii: "\n"))
        while true {
            let end: Int?, length: Int
            switch terminator {
            case .any: (end, length) = (buffer.firstIndex { $0 == cr || $0 == lf }, 1)
            case .cr: (end, length) = (buffer.firstIndex(of: cr), 1)
            case .lf: (end, length) = (buffer.firstIndex(of: lf), 1)
            case .crlf: (end, length) = (buffer.indices.dropLast().first { buffer[$0] == cr && buffer[$0 + 1] == lf }, 2)
            }
            guard let end else { return nil }
            let line = Array(buffer[..<end])
            buffer.removeFirst(end + length)
            if !line.isEmpty { return line }
        }
    }

    /// The termios speed for a baud rate the configuration allows.
    static func speed(_ baudRate: Int) -> speed_t {
        switch baudRate {
        case 1200: speed_t(B1200)
        case 2400: speed_t(B2400)
        case 4800: speed_t(B4800)
        case 19200: speed_t(B19200)
        case 38400: speed_t(B38400)
        case 57600: speed_t(B57600)
        case 115_200: speed_t(B115200)
        case 230_400: speed_t(B230400)
        case 460_800: speed_t(B460800)
        case 921_600: speed_t(B921600)
        default: speed_t(B9600)
        }
    }
}
