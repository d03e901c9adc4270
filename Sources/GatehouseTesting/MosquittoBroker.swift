import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A real mosquitto broker on 127.0.0.1 and a free port, started for a test and stopped when
/// this object goes. Its queues are unlimited, so that no test message can be dropped, and it
/// persists sessions and retained messages in its directory, so that a ``stop()`` and
/// ``start()`` keep them, as a site broker's restart does.
public final class MosquittoBroker: Sendable {
    public let port: Int
    public let directory: TemporaryDirectory
    private let configFile: String
    private let process = Mutex<Process?>(nil)

    /// Starts `mosquitto` with a config of its own (and `listenerOptions` appended after the
    /// listener line: TLS files, say) and waits until it accepts connections.
    public init(listenerOptions: [String] = [], port: Int? = nil) throws {
        directory = TemporaryDirectory("gatehouse-broker")
        self.port = try port ?? Self.freePort()
        let config = [
            // Run as whoever started it: as root, mosquitto would switch to a user that cannot
            // read the test's files.
            "user \(String(cString: getpwuid(getuid()).pointee.pw_name))",
            "per_listener_settings false", "persistence true", "persistence_location \(directory.path)/", "autosave_interval 0",
            "max_queued_messages 0", "max_inflight_messages 0", "log_dest stderr", "log_type error", "log_type warning",
            "allow_anonymous true", "listener \(self.port) 127.0.0.1",
        ] + listenerOptions
        configFile = directory.write("mosquitto.conf", config.joined(separator: "\n") + "\n")
        try start()
    }

    deinit {
        stop(signal: SIGKILL)
    }

    /// Starts the broker (again) on the same port, with the sessions and retained messages it
    /// saved when it stopped.
    public func start() throws {
        let started = Process()
        started.executableURL = URL(fileURLWithPath: "/usr/sbin/mosquitto")
        started.arguments = ["-c", configFile]
        if !FileManager.default.fileExists(atPath: directory.file("broker.log")) { directory.write("broker.log", "") }
        let log = FileHandle(forUpdatingAtPath: directory.file("broker.log"))
        log?.seekToEndOfFile()
        started.standardError = log ?? FileHandle.nullDevice
        try Self.withSignalsUnblocked { try started.run() }
        process.withLock { $0 = started }
        let deadline = Date(timeIntervalSinceNow: 20)
        while !Self.accepts(self.port) {
            guard Date() < deadline, started.isRunning else {
                throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "mosquitto did not start: \(self.log)"])
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Stops the broker: SIGTERM saves its sessions and retained messages first.
    public func stop(signal: Int32 = SIGTERM) {
        guard let running = process.withLock({ process in defer { process = nil }; return process }), running.isRunning else { return }
        kill(running.processIdentifier, signal)
        running.waitUntilExit()
    }

    /// Runs `body` with SIGTERM, SIGINT and SIGHUP unblocked on this thread. The test runner's
    /// threads block them, a child inherits the mask of the thread that spawns it, and a
    /// broker with SIGTERM blocked could never be stopped (and so never save its sessions).
    static func withSignalsUnblocked<T>(_ body: () throws -> T) rethrows -> T {
        var signals = sigset_t()
        var previous = sigset_t()
        sigemptyset(&signals)
        for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&signals, signal) }
        pthread_sigmask(SIG_UNBLOCK, &signals, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }

    /// What the broker logged.
    public var log: String { (try? String(contentsOfFile: directory.file("broker.log"), encoding: .utf8)) ?? "" }

    /// A TCP port nobody listens on now: bound to port 0, read back, released.
    public static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        guard let port = Loopback.bind(descriptor, listening: false) else { throw CocoaError(.fileWriteUnknown) }
        return port
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
