import Foundation

/// Why no reader answered on a libnfc connection string, in an installer's words: no device at
/// the path, no permission on it, a driver libnfc does not have, the kernel's own NFC driver
/// holding a USB reader, or a device that answers as something else. libnfc itself says only
/// that opening failed.
public struct NFCDiagnosis: Sendable {
    /// What the diagnosis may look at: the file system and the kernel's loaded modules.
    public struct Probe: Sendable {
        public var exists: @Sendable (String) -> Bool
        /// Whether this process may read and write the path.
        public var readableAndWritable: @Sendable (String) -> Bool
        public var moduleLoaded: @Sendable (String) -> Bool

        public init(
            exists: @escaping @Sendable (String) -> Bool, readableAndWritable: @escaping @Sendable (String) -> Bool,
            moduleLoaded: @escaping @Sendable (String) -> Bool
        ) {
            self.exists = exists
            self.readableAndWritable = readableAndWritable
            self.moduleLoaded = moduleLoaded
        }

        /// This machine.
        public static let system = Probe(
            exists: { FileManager.default.fileExists(atPath: $0) }, readableAndWritable: { access($0, R_OK | W_OK) == 0 },
            moduleLoaded: { FileManager.default.fileExists(atPath: "/sys/module/\($0)") })
    }

    /// libnfc's drivers (libnfc 1.8), as the connection string names them.
    public static let drivers = ["pn532_uart", "pn532_spi", "pn532_i2c", "pn53x_usb", "acr122_usb", "acr122_pcsc", "arygon", "pcsc"]
    /// Drivers whose port is a device file.
    static let fileDrivers: Set<String> = ["pn532_uart", "pn532_spi", "pn532_i2c", "arygon"]
    /// The kernel's NFC drivers that claim PN533 and ACR122 USB readers before libnfc can.
    static let kernelDrivers = ["pn533_usb", "port100"]

    let probe: Probe

    public init(probe: Probe = .system) {
        self.probe = probe
    }

    /// The likeliest reason nothing answered on `connection`, with what to do about it.
    public func explain(_ connection: String) -> String {
        let parts = connection.split(separator: ":", maxSplits: 1).map(String.init)
        let driver = parts.first ?? ""
        guard Self.drivers.contains(driver) else {
            return "\"\(driver)\" is not one of libnfc's drivers (\(Self.drivers.joined(separator: ", "))); a PN532 board on a serial adapter is pn532_uart:/dev/ttyUSB0, an ACR122U is acr122_usb"
        }
        if Self.fileDrivers.contains(driver) {
            guard parts.count == 2, !parts[1].isEmpty else {
                return "\(driver) needs the device file: \(driver):/dev/ttyUSB0 (ls /dev/serial/by-id/ lists the serial adapters plugged in)"
            }
            let path = String(parts[1].prefix { $0 != ":" })  // a baud rate may follow
            guard probe.exists(path) else {
                return "no device at \(path): is the reader plugged in, and is this its port? (ls /dev/serial/by-id/ lists the serial adapters plugged in)"
            }
            guard probe.readableAndWritable(path) else {
                return "permission denied on \(path): its group (usually dialout) must include this user; the packaged user gatehouse is in dialout, or run as root"
            }
            return "\(path) is there and opens, but no PN532 answered on it: check the board's interface switches (HSU/UART), the wiring (TX to RX), and that no other program holds the port (fuser \(path)); a reader of another kind needs its own driver"
        }
        if let module = Self.kernelDrivers.first(where: probe.moduleLoaded) {
            return "the kernel's \(module) driver holds USB NFC readers before libnfc can: rmmod \(module) pn533 nfc, and keep it off with /etc/modprobe.d/gatehouse-blacklist-pn533.conf (the package installs it)"
        }
        return "no \(driver) reader answered: is it plugged in (lsusb)? Its USB device must be writable by this user (the package's udev rules give group gatehouse the known readers), or run as root"
    }
}
