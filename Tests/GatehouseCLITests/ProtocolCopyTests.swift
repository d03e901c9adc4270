import Foundation
import Testing

@Suite("The wire contract in the repository")
struct ProtocolCopyTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("docs/protocol.md is the shared contract, word for word")
    func identical() throws {
        let shipped = try String(contentsOf: Self.root.appendingPathComponent("docs/protocol.md"), encoding: .utf8)
        // The platform's copy sits beside the repository (in CI as on a developer's machine).
        let shared = Self.root.deletingLastPathComponent().appendingPathComponent("shared/spec/protocol.md")
        let original = try String(contentsOf: shared, encoding: .utf8)
        #expect(shipped == original, "copy ../shared/spec/protocol.md to docs/protocol.md")
    }
}
