import Foundation
import GatehouseDaemon
import Testing

@Suite("Error codes")
struct DaemonErrorCodeTests {
    /// The repository's root, from this file's place in it.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("every code the daemon can throw is in docs/decisions.md's table, and the table names no other")
    func documented() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("docs/decisions.md"), encoding: .utf8)
        let documented = text.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("| `daemon.") else { return nil }
            return String(trimmed.dropFirst(3).prefix { $0 != "`" })
        }
        #expect(documented == DaemonError.Code.all.map(\.description))
    }

    @Test("codes are matched by value, and two errors with one code are equal whatever their messages")
    func matching() {
        let error = DaemonError(.busy, "no answer within 10 s")
        #expect(error == DaemonError(.busy, "the access queue is full"))
        #expect(error != DaemonError(.store, "no answer within 10 s"))
        switch error.code {
        case .busy: break
        default: Issue.record("matched \(error.code) as busy")
        }
        #expect(error.description == "daemon.busy: no answer within 10 s")
    }
}
