import Foundation
import GatehouseCore
import GatehouseStore
import GatehouseTesting
import Testing

@Suite("Crash safety")
struct CrashSafetyTests {
    @Test("SIGKILL in the middle of applying a large snapshot leaves the previous version intact")
    func killDuringApply() throws {
        let site = try CLIFixture()
        let small = try site.build(version: 1, lines: Records.staff(3))
        try #require(try site.run(["bundle", "apply", small, "--config", site.config]).status == 0)
        let large = try site.build(version: 2, lines: Records.staff(150_000, offset: 100))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: GatehouseBinary.path)
        process.arguments = ["bundle", "apply", large, "--config", site.config]
        let standardError = Pipe()
        process.standardError = standardError
        process.standardOutput = Pipe()
        try process.run()
        // Wait until the apply reports that it is well under way, then kill it outright.
        var seen = ""
        while !seen.contains("applying: 20%"), process.isRunning {
            let data = standardError.fileHandleForReading.availableData
            if data.isEmpty { break }
            seen += String(decoding: data, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(seen.contains("applying: 20%"), "the apply never reported progress: \(seen)")
        #expect(process.terminationReason == .uncaughtSignal, "the apply finished before it was killed")

        let database = try GatehouseDatabase(path: site.directory.file("site/state/gatehouse.sqlite"))
        let policy = try #require(try database.openPolicy())
        #expect(try database.integrityCheck() == "ok" && policy.integrityCheck() == "ok")
        #expect(try policy.appliedBundle()?.version == 1)
        #expect(try policy.counts()[.credential] == 3)
        let status = try site.status()
        #expect(status["bundle_version"] as? Int == 1)
    }
}
