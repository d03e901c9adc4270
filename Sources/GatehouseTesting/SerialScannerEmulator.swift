import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A serial barcode scanner on a pseudo-terminal, reached through a symbolic link that stays put
/// while it is unplugged and plugged in again: a test sends what the scanner would.
public final class SerialScannerEmulator: Sendable {
    /// The stable path a reader's `device` names.
    public let link: String
    private let terminal = Mutex<PseudoTerminal?>(nil)

    public init(link: String) throws {
        self.link = link
        try plug()
    }

    deinit {
        unplug()
    }

    /// Sends one scanned code, followed by `terminator` (a carriage return, as most scanners).
    public func scan(_ code: String, terminator: String = "\r") {
        terminal.withLock { $0?.write(Array((code + terminator).utf8)) }
    }

    /// Sends raw bytes, terminators included, as a scanner might split or join them.
    public func send(_ bytes: [UInt8]) {
        terminal.withLock { $0?.write(bytes) }
    }

    /// Closes the terminal and removes the link, as when the scanner's USB cable is pulled.
    public func unplug() {
        terminal.withLock { $0 = nil }
        unlink(link)
    }

    /// A new terminal behind the same link.
    public func plug() throws {
        let fresh = try PseudoTerminal.plugged(at: link)
        terminal.withLock { $0 = fresh }
    }
}
