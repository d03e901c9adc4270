import Logging
import Synchronization

/// Keeps what a daemon in the test process logs, one line an entry
/// (`level message key=value …`, metadata sorted), for tests that check the log.
public final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])

    public init() {}

    /// A logger that writes here, at `level` and above.
    public func logger(label: String = "gatehouse.test", level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: label) { _ in Handler(recorder: self) }
        logger.logLevel = level
        return logger
    }

    /// Everything logged so far, a line an entry.
    public var text: String { lines.withLock { $0.joined(separator: "\n") } }

    fileprivate func record(_ line: String) { lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let fields = all.keys.sorted().map { "\($0)=\(all[$0].map { "\($0)" } ?? "")" }
            recorder.record(([event.level.rawValue, "\(event.message)"] + fields).joined(separator: " "))
        }
    }
}
