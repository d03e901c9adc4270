import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A pseudo-terminal pair: the emulator reads and writes the master side, a driver under test
/// opens ``path``. The slave side is held open too, in raw mode, so that the master never sees
/// a hang-up between the driver's opens and nothing the emulator writes is echoed back.
/// Both descriptors are closed when this object goes.
public final class PseudoTerminal: Sendable {
    public let path: String
    private let master: Int32
    private let slave: Int32

    public init() throws {
        // posix_openpt and its friends are hidden from Swift's Glibc module, so the
        // multiplexer is opened and unlocked with the ioctls they are made of (asm-generic
        // values: TIOCSPTLCK = _IOW('T', 0x31, int), TIOCGPTN = _IOR('T', 0x30, unsigned int)).
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        guard master >= 0 else { throw TestingError("no pseudo-terminal: /dev/ptmx: \(String(cString: strerror(errno)))") }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
            close(master)
            throw TestingError("cannot unlock a pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        let path = "/dev/pts/\(number)"
        let slave = open(path, O_RDWR | O_NOCTTY)
        guard slave >= 0 else {
            close(master)
            throw TestingError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        var settings = termios()
        tcgetattr(slave, &settings)
        cfmakeraw(&settings)
        tcsetattr(slave, TCSANOW, &settings)
        self.master = master
        self.slave = slave
        self.path = path
    }

    deinit {
        close(slave)
        close(master)
    }

    /// What the driver wrote, waiting up to `waitingMilliseconds` for something; empty when
    /// nothing came.
    func read(waitingMilliseconds: Int32) -> [UInt8] {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, waitingMilliseconds) > 0, descriptor.revents & Int16(POLLIN) != 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: 512)
        let count = Glibc.read(master, &bytes, bytes.count)
        return count > 0 ? Array(bytes[0..<count]) : []
    }

    /// Sends bytes to the driver.
    func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            offset += written
        }
    }
}
