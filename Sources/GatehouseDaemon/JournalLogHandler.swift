import Foundation
import Logging

/// Log lines for systemd's journal, when standard error is it (`JOURNAL_STREAM` names its
/// device and inode): each line starts with its syslog priority (`<3>` error, `<4>` warning,
/// `<5>` notice, `<6>` info, `<7>` debug, as sd-daemon(3) reads it), so that `journalctl -p
/// warning` finds a reader fault; no timestamp of its own (the journal keeps one); the message
/// first, then the metadata as `key=value`, a value quoted when it holds a space, a quote or
/// an equals sign.
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let write: @Sendable (String) -> Void

    public init(label: String, level: Logger.Level = .info, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        logLevel = level
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Whether standard error is the journal: `JOURNAL_STREAM` is `DEVICE:INODE` of fd 2.
    public static func standardErrorIsJournal(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard let stream = environment["JOURNAL_STREAM"] else { return false }
        let parts = stream.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var status = stat()
        guard fstat(2, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }

    /// The syslog priority of a level.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let extra = event.metadata { all.merge(extra) { $1 } }
        write(Self.line(level: event.level, message: "\(event.message)", metadata: all, label: label))
    }

    /// One line: `<P>message key=value …`, the label last.
    public static func line(level: Logger.Level, message: String, metadata: Logger.Metadata, label: String) -> String {
        var line = "<\(priority(level))>\(message)"
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            line += " \(key)=\(quoted("\(value)"))"
        }
        if label != "gatehouse" { line += " logger=\(label)" }
        return line.replacingOccurrences(of: "\n", with: " ") + "\n"
    }

    static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\t" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
