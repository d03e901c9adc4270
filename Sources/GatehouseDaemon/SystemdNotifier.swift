import Foundation
import GatehouseCore

#if canImport(Glibc)
import Glibc
#endif

/// Sends sd_notify(3) messages (`READY=1`, `STATUS=…`, `WATCHDOG=1`, `STOPPING=1`) to the
/// datagram socket systemd names in `NOTIFY_SOCKET`. Without that variable there is no
/// notifier and nothing is sent. A path starting with `@` is in the abstract namespace.
// The descriptor is only written with sendto, which the kernel makes safe from any thread.
public final class SystemdNotifier: @unchecked Sendable {
    private let descriptor: Int32
    private var address: sockaddr_un
    private let addressLength: socklen_t
    /// How often systemd expects `WATCHDOG=1`, when it set `WATCHDOG_USEC` for this process.
    public let watchdogInterval: Duration?

    /// The notifier the environment asks for, or nil when not started by systemd.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(DaemonError) -> SystemdNotifier? {
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty else { return nil }
        var watchdog: Duration?
        if let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0,
            environment["WATCHDOG_PID"].map({ Int32($0) == getpid() }) ?? true
        {
            watchdog = .microseconds(microseconds)
        }
        return try SystemdNotifier(path: path, watchdogInterval: watchdog)
    }

    init(path: String, watchdogInterval: Duration?) throws(DaemonError) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        guard bytes.count <= UnixSocket.maximumPathLength else {
            throw DaemonError(.notify, "NOTIFY_SOCKET path is too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            throw DaemonError(.notify, "cannot create a datagram socket: \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
        self.address = address
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2
        self.addressLength = socklen_t(pathOffset + bytes.count + (abstract ? 0 : 1))
        self.watchdogInterval = watchdogInterval
    }

    deinit {
        close(descriptor)
    }

    /// Sends one message of `KEY=VALUE` lines; false when the kernel refused it.
    @discardableResult
    public func send(_ lines: String...) -> Bool {
        let message = Array(lines.joined(separator: "\n").utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { target in
                message.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), target, addressLength) }
            }
        }
        return sent == message.count
    }
}
