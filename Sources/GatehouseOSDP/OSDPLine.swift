import GatehouseCore
import Glibc

/// The serial line of an OSDP bus (an RS-485 adapter's tty, or a pseudo-terminal in tests),
/// raw at the configured speed. Reads wait at most the time asked. Only the bus thread uses it.
// Touched by the bus thread alone (open, write, read, close); that makes sharing it safe.
final class OSDPLine: @unchecked Sendable {
    let device: String
    let baudRate: Int
    /// Owned while open: opened in open(), closed in close() and deinit.
    private var descriptor: Int32 = -1

    init(device: String, baudRate: Int) {
        self.device = device
        self.baudRate = baudRate
    }

    deinit { close() }

    func open() throws(ReaderFault) {
        close()
        let opened = Glibc.open(device, O_RDWR | O_NOCTTY | O_NONBLOCK)
        guard opened >= 0 else { throw ReaderFault(.openFailed, "\(device): \(String(cString: strerror(errno)))") }
        var settings = termios()
        guard tcgetattr(opened, &settings) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(opened)
            throw ReaderFault(.openFailed, "\(device): not a serial line (\(reason))")
        }
        cfmakeraw(&settings)
        let speed = Self.speed(baudRate)
        cfsetispeed(&settings, speed)
        cfsetospeed(&settings, speed)
        settings.c_cflag |= tcflag_t(CLOCAL | CREAD)
        tcsetattr(opened, TCSANOW, &settings)
        tcflush(opened, TCIOFLUSH)
        descriptor = opened
    }

    func write(_ bytes: [UInt8]) throws(ReaderFault) {
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                throw ReaderFault(.ioError, "\(device): \(String(cString: strerror(errno)))")
            }
            written += count
        }
    }

    /// What arrives within `milliseconds`; empty when nothing did.
    func read(waitingMilliseconds milliseconds: Int) throws(ReaderFault) -> [UInt8] {
        var waiting = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = Glibc.poll(&waiting, 1, Int32(max(0, milliseconds)))
        if ready < 0 && errno != EINTR { throw ReaderFault(.ioError, "\(device): \(String(cString: strerror(errno)))") }
        guard ready > 0 else { return [] }
        if waiting.revents & Int16(POLLIN) == 0 && waiting.revents & Int16(POLLERR | POLLNVAL) != 0 {
            throw ReaderFault(.ioError, "\(device): the line went away")
        }
        var chunk = [UInt8](repeating: 0, count: 512)
        let count = Glibc.read(descriptor, &chunk, chunk.count)
        if count < 0 {
            if errno == EAGAIN || errno == EINTR || errno == EIO { return [] }  // EIO: a pty with no peer yet
            throw ReaderFault(.ioError, "\(device): \(String(cString: strerror(errno)))")
        }
        return Array(chunk[0..<count])
    }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    static func speed(_ baudRate: Int) -> speed_t {
        switch baudRate {
        case 19200: speed_t(B19200)
        case 38400: speed_t(B38400)
        case 57600: speed_t(B57600)
        case 115_200: speed_t(B115200)
        default: speed_t(B9600)
        }
    }
}
