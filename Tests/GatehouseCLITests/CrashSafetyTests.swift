import Foundation
import GatehouseCore
import GatehouseStore
import GatehouseTesting
import Testing

@Suite("Crash safety")
struct CrashSafetyTests {
    @Test("SIGKILL at three moments of applying a large snapshot (20 %, 60 % and 100 % of the body read) leaves one version complete, never a mix")
    func killDuringApply() throws {
        let site = try CLIFixture()
        let small = try site.build(version: 1, lines: Records.staff(3))
        try #require(try site.run(["bundle", "apply", small, "--config", site.config]).status == 0)
        let large = try site.build(version: 2, lines: Records.staff(150_000, offset: 100))

        for marker in ["applying: 20%", "applying: 60%", "applying: 100%"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: GatehouseBinary.path)
            process.arguments = ["bundle", "apply", large, "--config", site.config]
            let standardError = Pipe()
            process.standardError = standardError
            process.standardOutput = Pipe()
            try process.run()
            // Wait until the apply reports that far, then kill it outright.
            var seen = ""
            while !seen.contains(marker), process.isRunning {
                let data = standardError.fileHandleForReading.availableData
                if data.isEmpty { break }
                seen += String(decoding: data, as: UTF8.self)
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(seen.contains(marker), "the apply never reported progress: \(seen)")

            let database = try GatehouseDatabase(path: site.directory.file("site/state/gatehouse.sqlite"))
            let policy = try #require(try database.openPolicy())
            #expect(try database.integrityCheck() == "ok" && policy.integrityCheck() == "ok")
            let version = try policy.appliedBundle()?.version
            let credentials = try policy.counts()[.credential]
            #expect((version == 1 && credentials == 3) || (version == 2 && credentials == 150_000), "killed at \(marker): version \(String(describing: version)) with \(String(describing: credentials)) credentials")
            #expect(try site.status()["bundle_version"] as? Int == version.map(Int.init))
            if version == 2 { break }
        }
    }

    /// Runs `gatehouse` with `GATEHOUSE_FAULT=fault`; true when the fault point killed it.
    func killedAt(_ fault: String, _ arguments: [String]) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: GatehouseBinary.path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["GATEHOUSE_FAULT": fault]) { $1 }
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
    }

    func policyFiles(_ fixture: DaemonFixture) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: fixture.site.directory.file("site/state")).filter { $0.contains(".policy-") && !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }.sorted()
    }

    func applied(_ fixture: DaemonFixture) throws -> [Int64?] {
        try fixture.events().filter { $0.string("type") == "gatehouse.system.bundle_applied" }.map { $0.object("data")?.integer("version") }
    }

    @Test(
        "SIGKILL after a snapshot's file is loaded, or after its rename: the device stays on the old version, complete, with no event for the new one; the next start removes the file",
        arguments: ["snapshot-loaded", "snapshot-renamed"])
    func killDuringSwap(_ fault: String) throws {
        let fixture = try DaemonFixture()
        let next = try fixture.site.build(version: 2, lines: DaemonFixture.lines + Records.staff(50), name: "v2.bundle")
        #expect(try killedAt(fault, ["bundle", "apply", next, "--config", fixture.config]))
        #expect(try fixture.site.status()["bundle_version"] as? Int == 1)
        #expect(try (fixture.site.status()["counts"] as? [String: Int])?["person"] == 2)
        #expect(try applied(fixture) == [1])
        let left = try policyFiles(fixture)
        #expect(left.count == 2, "the unfinished file is still there: \(left)")

        let daemon = try fixture.start()
        #expect(try daemon.simulate(reader: "gate-in", "uid", DaemonFixture.anna).status == 0)
        #expect(daemon.stop() == 0)
        #expect(try policyFiles(fixture) == ["gatehouse.policy-1.sqlite"], "the start removed what the crash left")
        #expect(try applied(fixture) == [1])
        // And the same snapshot applies whole afterwards.
        #expect(try fixture.site.run(["bundle", "apply", next, "--config", fixture.config]).status == 0)
        #expect(try applied(fixture) == [1, 2])
    }

    @Test("SIGKILL between a delta's commit and its event: the delta is in force, and the next start reports it once, as applied locally")
    func killBeforeTheDeltaIsReported() throws {
        let fixture = try DaemonFixture()
        let delta = try fixture.site.build(version: 2, lines: [Records.person("dora")], name: "delta.bundle", arguments: ["--kind", "delta", "--base", "1"])
        #expect(try killedAt("delta-committed", ["bundle", "apply", delta, "--config", fixture.config]))
        #expect(try fixture.site.status()["bundle_version"] as? Int == 2)
        #expect(try applied(fixture) == [1], "not yet reported")

        for _ in 0..<2 {
            let daemon = try fixture.start()
            #expect(try daemon.simulate(reader: "gate-in", "uid", DaemonFixture.anna).status == 0)
            #expect(daemon.stop() == 0)
        }
        #expect(try applied(fixture) == [1, 2], "reported at the first start, and only then")
        let report = try #require(try fixture.events().last { $0.string("type") == "gatehouse.system.bundle_applied" })
        #expect(report.object("data")?.string("origin") == "local" && report.object("data")?.string("kind") == "delta")
        let types = try fixture.events().compactMap { $0.string("type") }
        #expect(types.firstIndex(of: "gatehouse.system.started")! > types.lastIndex(of: "gatehouse.system.bundle_applied")!, "reported before the first decision")
    }

    @Test("a delta left unreported by a crash is reported by the next apply, before the bundle that follows it")
    func nextApplyReportsIt() throws {
        let fixture = try DaemonFixture()
        let delta = try fixture.site.build(version: 2, lines: [Records.person("dora")], name: "delta.bundle", arguments: ["--kind", "delta", "--base", "1"])
        #expect(try killedAt("delta-committed", ["bundle", "apply", delta, "--config", fixture.config]))
        let next = try fixture.site.build(version: 3, lines: [Records.person("emil")], name: "delta-3.bundle", arguments: ["--kind", "delta", "--base", "2"])
        #expect(try fixture.site.run(["bundle", "apply", next, "--config", fixture.config]).status == 0)
        #expect(try applied(fixture) == [1, 2, 3])
        let daemon = try fixture.start()
        #expect(daemon.stop() == 0)
        #expect(try applied(fixture) == [1, 2, 3], "nothing left for the start to report")
    }
}
