import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseDaemon
import GatehouseGPIO
import GatehouseGzip
import GatehouseMQTT
import GatehouseNFC
import GatehouseQR
import GatehouseStore
import Testing

@Suite("Error codes")
struct ErrorCodeTests {
    /// The repository's root, from this file's place in it.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func declared<Domain: ErrorDomain>(_ domain: Domain.Type) -> [String] { Domain.codes.map(\.description) }

    /// Every module's codes, as the modules declare them.
    static let modules: [(type: String, codes: [String])] = [
        ("DaemonError", declared(DaemonErrors.self)), ("StoreError", declared(StoreErrors.self)), ("AdminError", declared(AdminErrors.self)),
        ("NFCError", declared(NFCErrors.self)), ("QRError", declared(QRErrors.self)), ("GPIOError", declared(GPIOErrors.self)),
        ("MQTTError", declared(MQTTErrors.self)), ("GzipError", declared(GzipErrors.self)),
    ]

    @Test("docs/errors.md lists every code of every module, in each module's section, and no other")
    func documented() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("docs/errors.md"), encoding: .utf8)
        var sections: [String: [String]] = [:]
        var current: String?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("## `") { current = String(line.dropFirst(4).prefix { $0 != "`" }) }
            if line.hasPrefix("| `"), let section = current {
                sections[section, default: []].append(String(line.dropFirst(3).prefix { $0 != "`" }))
            }
        }
        #expect(Set(sections.keys) == Set(Self.modules.map(\.type)))
        for module in Self.modules {
            #expect(sections[module.type] == module.codes, "\(module.type)")
        }
        let all = Self.modules.flatMap(\.codes)
        #expect(Set(all).count == all.count, "no code is declared twice")
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
        #expect(StoreError(.sqlite, "locked").code.description == "store.sqlite")
    }
}
