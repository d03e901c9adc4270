import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

@Suite("bundle apply on the device, with the daemon running")
struct LocalApplyTests {
    @Test("goes through the daemon: applied and refused bundles are stored as events with origin local, the decisions change at once, and the daemon's log says so")
    func throughTheDaemon() throws {
        let fixture = try DaemonFixture()
        let daemon = try fixture.start()
        // Dora is only in version 2.
        let v2 = try fixture.site.build(version: 2, lines: DaemonFixture.lines + [Records.person("dora"), Records.badge("c-dora", person: "dora", uid: "04D0D0D0D0D0D0"), Records.grant("g-dora", person: "dora", zones: ["site"])], name: "v2.bundle")
        #expect(try daemon.simulate(reader: "gate-in", "uid", "04D0D0D0D0D0D0").reply?["reason"] == .string("unknown_credential"))

        let applied = try fixture.site.run(["bundle", "apply", v2, "--config", fixture.config])
        #expect(applied.status == 0 && applied.standardOutput.contains("applied version 2 (snapshot, 11 records) through the running daemon"), "\(applied.standardOutput)\(applied.standardError)")
        #expect(try daemon.simulate(reader: "gate-in", "uid", "04D0D0D0D0D0D0").reply?["reason"] == .string("granted"))

        let old = try fixture.site.build(version: 1, lines: DaemonFixture.lines, name: "old.bundle")
        let refused = try fixture.site.run(["bundle", "apply", old, "--config", fixture.config])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("refused: rollback: version 1 is not newer than the applied version 2; the cache is unchanged"), "\(refused.standardError)")
        let again = try fixture.site.run(["bundle", "apply", v2, "--config", fixture.config])
        #expect(again.status == 0 && again.standardOutput.contains("no change: version 2 is already applied"))
        let missing = try fixture.site.run(["bundle", "apply", fixture.site.directory.file("nope.bundle"), "--config", fixture.config])
        #expect(missing.status == 2 && missing.standardError.contains("nope.bundle"))
        #expect(daemon.stop() == 0)

        let reports = try fixture.events().filter { $0.string("type")?.hasPrefix("gatehouse.system.bundle_") == true }
        #expect(reports.map { $0.string("type") } == ["gatehouse.system.bundle_applied", "gatehouse.system.bundle_applied", "gatehouse.system.bundle_rejected"])
        #expect(reports.allSatisfy { $0.object("data")?.string("origin") == "local" })
        #expect(reports.last?.object("data")?.string("reason") == "rollback")
        #expect(daemon.log.contains("bundle applied") && daemon.log.contains("bundle.origin=local") && daemon.log.contains("bundle.reason=rollback"), "\(daemon.log)")
        #expect(try fixture.site.status()["bundle_version"] as? Int == 2)
        let table = try fixture.site.run(["events", "--config", fixture.config]).standardOutput
        #expect(table.contains("reason=rollback version=1 origin=local"), "\(table)")
        #expect(table.split(separator: "\n").contains { $0.contains("system.bundle_applied") && $0.contains("version=2 origin=local") }, "\(table)")
    }
}
