import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// libosdp's peripheral device (PyPI `libosdp`) as an OSDP reader on a pseudo-terminal, run by
/// `Tests/Peers/osdp_reader.py` in the test virtualenv `scripts/test` makes (`.venv-test`).
/// ``tty`` is the path the daemon opens; ``send(_:)`` drives the reader; ``lines`` is what it
/// reported.
public final class OSDPReaderPeer: Sendable {
    public let tty: String
    private let process: Process
    private let input: FileHandle
    private let reported = Reported()

    /// The lines reported, shared with the pipe's reading handler.
    final class Reported: Sendable {
        let lines = Mutex<[String]>([])
        /// Bytes after the last newline: a read may end inside a line.
        let partial = Mutex<[UInt8]>([])

        func take(_ data: Data) {
            let complete = partial.withLock { partial -> [String] in
                partial += data
                guard let last = partial.lastIndex(of: 0x0A) else { return [] }
                let text = String(decoding: partial[...last], as: UTF8.self)
                partial.removeFirst(last + 1)
                return text.split(separator: "\n").map(String.init)
            }
            lines.withLock { $0 += complete }
        }
    }

    /// The package's root, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Starts a reader at `address`, on `key` (hex), or on the default key SCBK-D (install mode).
    public init(address: Int, key: String? = nil) throws {
        let python = Self.root + "/.venv-test/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw TestingError("no \(python): run scripts/test (it makes the virtualenv with libosdp)")
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-u", Self.root + "/Tests/Peers/osdp_reader.py", "--address", String(address)] + (key.map { ["--scbk", $0] } ?? [])
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        input = stdin.fileHandleForWriting
        let output = stdout.fileHandleForReading
        let reported = reported
        output.readabilityHandler = { handle in
            reported.take(handle.availableData)
        }
        let deadline = Date(timeIntervalSinceNow: 60)
        var path: String?
        while path == nil, Date() < deadline {
            path = reported.lines.withLock { $0.first { $0.hasPrefix("tty ") } }.map { String($0.dropFirst(4)) }
            if path == nil { Thread.sleep(forTimeInterval: 0.02) }
        }
        guard let path else {
            process.terminate()
            throw TestingError("the OSDP reader peer did not start")
        }
        tty = path
    }

    deinit {
        try? input.write(contentsOf: Data("quit\n".utf8))
        if process.isRunning { process.terminate() }
    }

    /// A line of commands for the reader (`card BITS`, `keys 12#`, `tamper 1`, `silent`, `answer`).
    public func send(_ line: String) {
        try? input.write(contentsOf: Data((line + "\n").utf8))
    }

    /// What the reader reported so far.
    public var lines: [String] { reported.lines.withLock { $0 } }

    /// Waits until a reported line satisfies `condition` (at most `seconds`).
    public func waitFor(seconds: Double = 20, _ condition: (String) -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while Date() < deadline {
            if lines.contains(where: condition) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return lines.contains(where: condition)
    }
}
