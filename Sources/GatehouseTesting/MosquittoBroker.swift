import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real mosquitto broker on 127.0.0.1 and a free port, started for a test and stopped when
/// this object goes. Its queues are unlimited, so that no test message can be dropped.
public final class MosquittoBroker: Sendable {
    public let port: Int
    public let directory: TemporaryDirectory
    private let process: Process

    /// Starts `mosquitto` with a config of its own (and `extra` lines appended) and waits until
    /// it accepts connections.
    public init(extra: [String] = []) throws {
        directory = TemporaryDirectory("gatehouse-broker")
        port = try Self.freePort()
        let config = [
            "listener \(port) 127.0.0.1", "allow_anonymous true", "persistence false",
            "max_queued_messages 0", "max_inflight_messages 0", "log_dest stderr", "log_type error", "log_type warning",
        ] + extra
        let configFile = directory.write("mosquitto.conf", config.joined(separator: "\n") + "\n")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/mosquitto")
        process.arguments = ["-c", configFile]
        process.standardError = FileHandle(forWritingAtPath: directory.write("broker.log", "")) ?? FileHandle.nullDevice
        try process.run()
        let deadline = Date(timeIntervalSinceNow: 20)
        while !Self.accepts(port) {
            guard Date() < deadline, process.isRunning else {
                throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "mosquitto did not start: \(log)"])
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// What the broker logged.
    public var log: String { (try? String(contentsOfFile: directory.file("broker.log"), encoding: .utf8)) ?? "" }

    /// A TCP port nobody listens on now: bound to port 0, read back, released.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(descriptor, raw, length) == 0 && getsockname(descriptor, raw, &length) == 0
            }
        }
        guard bound else { throw CocoaError(.fileWriteUnknown) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
