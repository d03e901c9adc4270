import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A pseudo-terminal behind a symbolic link that stays put while the device is unplugged and
/// plugged in again, as a udev rule keeps a device's name across USB resets. The emulators of
/// serial devices talk through one.
final class PluggableTerminal: Sendable {
    /// The stable path a driver under test opens.
    let link: String
    private let terminal = Mutex<PseudoTerminal?>(nil)

    init(link: String) throws {
        self.link = link
        try plug()
    }

    deinit {
        unplug()
    }

    /// A new terminal behind the link, replacing whatever it pointed at.
    func plug() throws {
        let fresh = try PseudoTerminal()
        unlink(link)
        guard symlink(fresh.path, link) == 0 else { throw TestingError("cannot link \(link) to \(fresh.path): \(String(cString: strerror(errno)))") }
        terminal.withLock { $0 = fresh }
    }

    /// Closes the terminal and removes the link: the driver's reads fail, and opening the path
    /// fails until ``plug()``.
    func unplug() {
        terminal.withLock { $0 = nil }
        unlink(link)
    }

    /// Sends bytes to the driver; nothing while unplugged.
    func write(_ bytes: [UInt8]) {
        terminal.withLock { $0?.write(bytes) }
    }

    /// What the driver wrote, waiting up to `waitingMilliseconds`; nil while unplugged.
    func read(waitingMilliseconds: Int32) -> [UInt8]? {
        terminal.withLock { $0?.read(waitingMilliseconds: waitingMilliseconds) }
    }
}
