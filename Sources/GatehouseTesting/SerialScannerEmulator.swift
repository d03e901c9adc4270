/// A serial barcode scanner on a pseudo-terminal, reached through a symbolic link that stays put
/// while it is unplugged and plugged in again: a test sends what the scanner would.
public final class SerialScannerEmulator: Sendable {
    private let terminal: PluggableTerminal

    /// The stable path a reader's `device` names.
    public var link: String { terminal.link }

    public init(link: String) throws {
        terminal = try PluggableTerminal(link: link)
    }

    /// Sends one scanned code, followed by `terminator` (a carriage return, as most scanners).
    public func scan(_ code: String, terminator: String = "\r") {
        terminal.write(Array((code + terminator).utf8))
    }

    /// Sends raw bytes, terminators included, as a scanner might split or join them.
    public func send(_ bytes: [UInt8]) {
        terminal.write(bytes)
    }

    /// Closes the terminal and removes the link, as when the scanner's USB cable is pulled.
    public func unplug() { terminal.unplug() }

    /// A new terminal behind the same link.
    public func plug() throws { try terminal.plug() }
}
