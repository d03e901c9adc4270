import Foundation
import GatehouseDaemon
import GatehouseTesting
import Logging
import Testing

@Suite("Logs for the journal")
struct JournalLogTests {
    @Test("each line starts with its syslog priority, the message first, no timestamp of its own, values with spaces quoted")
    func format() {
        let line = JournalLogHandler.line(
            level: .warning, message: "reader fault", metadata: ["gate.reader": "gate-in", "error": "no such device: /dev/ttyUSB0 (gone)"], label: "gatehouse")
        #expect(line == #"<4>reader fault error="no such device: /dev/ttyUSB0 (gone)" gate.reader=gate-in"# + "\n")
        #expect(JournalLogHandler.line(level: .error, message: "a", metadata: [:], label: "libnfc") == "<3>a logger=libnfc\n")
        #expect(JournalLogHandler.priority(.notice) == 5 && JournalLogHandler.priority(.info) == 6 && JournalLogHandler.priority(.debug) == 7)
        #expect(!JournalLogHandler.standardErrorIsJournal(environment: ["JOURNAL_STREAM": "1:2"]), "fd 2 is not that stream")
    }

    @Test("the daemon under JOURNAL_STREAM writes journal lines; --log-level and [log] level choose what is logged")
    func daemon() throws {
        let fixture = try DaemonFixture()
        let log = fixture.site.directory.file("journal.log")
        // A file on fd 2 whose device and inode JOURNAL_STREAM names: what systemd does for the journal.
        FileManager.default.createFile(atPath: log, contents: nil)
        let attributes = try FileManager.default.attributesOfItem(atPath: log)
        let device = (attributes[.systemNumber] as? NSNumber)?.uint64Value ?? 0
        let inode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
        let script = "exec '\(GatehouseBinary.path)' run --config '\(fixture.config)' --log-level notice 2>> '\(log)'"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.environment = ProcessInfo.processInfo.environment.merging(["JOURNAL_STREAM": "\(device):\(inode)"]) { $1 }
        try process.run()
        let socket = fixture.site.directory.file("site/state/control.sock")
        #expect(waitUntil { FileManager.default.fileExists(atPath: socket) })
        _ = try fixture.site.run(["simulate", "--config", fixture.config, "--reader", "nowhere", "uid", "04A2B3C4"])
        process.terminate()
        process.waitUntilExit()
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(!text.isEmpty && text.split(separator: "\n").allSatisfy { $0.hasPrefix("<") }, "\(text)")
        #expect(!text.contains("<6>"), "--log-level notice: no info lines")
        #expect(text.contains("<5>no [mqtt] in the configuration"), "\(text)")
        #expect(!text.contains("+0000"), "no timestamp of its own")

        let config = try String(contentsOfFile: fixture.config, encoding: .utf8)
        try (config + "\n[log]\nlevel = \"loud\"\n").write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let bad = try fixture.site.run(["check-config", "--config", fixture.config])
        #expect(bad.status == 1 && bad.standardOutput.contains("log.level"), "\(bad.standardOutput)")
    }
}
