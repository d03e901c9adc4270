import Foundation
import GatehouseCore
import GatehouseDaemon

/// `gatehouse run` as a child process, for end-to-end tests and the benchmarks: started,
/// waited for until its control socket answers, signalled, stopped.
public final class RunningDaemon: Sendable {
    public let config: String
    public let socket: String
    public let logFile: String
    private let process: Process
    /// The daemon's process id.
    public var pid: Int32 { process.processIdentifier }

    /// Starts the daemon and waits until it answers on its control socket.
    public init(config: String, environment: [String: String] = [:], logFile: String, executable: String = GatehouseBinary.path) throws {
        self.config = config
        self.logFile = logFile
        guard let settings = try? ConfigFile.load(config) else { throw TestingError("cannot load \(config)") }
        socket = ControlServer.path(forDatabase: settings.database)
        FileManager.default.createFile(atPath: logFile, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        log.seekToEndOfFile()
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["run", "--config", config]
        var inherited = ProcessInfo.processInfo.environment
        inherited["NOTIFY_SOCKET"] = nil
        process.environment = inherited.merging(environment) { $1 }
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try waitUntilAnswering()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    private func waitUntilAnswering() throws {
        let deadline = Date(timeIntervalSinceNow: 60)
        while Date() < deadline {
            guard process.isRunning else { throw TestingError("the daemon exited: \(log)") }
            if case .bool(true)? = try? ControlClient.send(JSONObject([("op", .string("ping"))]), to: socket)["ok"] { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestingError("the daemon did not answer within 60 s: \(log)")
    }

    /// Everything the daemon logged so far.
    public var log: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

    public var isRunning: Bool { process.isRunning }

    public func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits up to `seconds` for the daemon to exit by itself; its exit status, or nil while it
    /// still runs.
    public func waitForExit(seconds: Double = 60) -> Int32? {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        guard !process.isRunning else { return nil }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Sends SIGTERM and waits for the exit; returns the exit status.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM) -> Int32 {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// `gatehouse simulate … --json`: the exit status and the decoded reply.
    public func simulate(reader: String, _ kind: String, _ value: String) throws -> (status: Int32, reply: JSONObject?) {
        let output = try GatehouseBinary.run(["simulate", "--config", config, "--reader", reader, "--json", kind, value])
        let reply: JSONObject? =
            if case .object(let object)? = try? JSONReader.parse(output.standardOutput.trimmingWhitespace()) { object } else { nil }
        return (output.status, reply)
    }

    /// Someone walks through a door after a grant: its simulated contact opens, stays open for
    /// `milliseconds` (longer than its debounce time, as a person takes), then closes and stays
    /// closed as long, so that the next opening is a new one (`hardware.gpio = "simulated"`),
    /// through the control socket.
    public func walkThrough(contact: String, milliseconds: Int = 300) throws {
        for level in ["high", "low"] {
            defer { Thread.sleep(forTimeInterval: Double(milliseconds) / 1000) }
            let reply = try ControlClient.send(JSONObject([("op", .string("input")), ("name", .string(contact)), ("level", .string(level))]), to: socket)
            guard case .bool(true)? = reply["ok"] else { throw TestingError("input \(contact) \(level) refused: \(JSONValue.object(reply).serialized)") }
        }
    }
}
