import Foundation
import GRDB
import GatehouseCore
import GatehouseDaemon
import GatehouseStore
import GatehouseTesting
import Testing

/// A device's state as release 0.1.0 left it (Tests/Fixtures/upgrade-0.1.0, made by
/// scripts/make-upgrade-fixture and never changed since), opened by the binary under test.
@Suite("Upgrading a device's database")
struct UpgradeTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/upgrade-0.1.0").path

    @Test("release 0.1.0's database is migrated forward: its policy, mode, occupancy and seq carry on")
    func fromRelease010() throws {
        let device = try CLIFixture()
        let database = try ConfigFile.load(device.config).database
        let directory = (database as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for file in ["gatehouse.sqlite", "gatehouse.policy-1.sqlite"] {
            try FileManager.default.copyItem(atPath: Self.fixture + "/" + file, toPath: directory + "/" + file)
        }

        let status = try device.status()
        #expect(status["bundle_version"] as? Int == 1 && status["mode"] as? String == "lockdown" && status["last_seq"] as? Int == 6, "\(status)")
        #expect((status["inside"] as? [String: Any])?["site"] as? Int == 1)
        let applied = try DatabaseQueue(path: database).read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(applied == GatehouseDatabase.migrationNames, "every migration of this binary ran, in order")

        let daemon = try RunningDaemon(config: device.config, logFile: device.directory.file("daemon.log"))
        #expect(try daemon.simulate(reader: "gate-in", "uid", "04A2B3C4D5E6F7").reply?.string("decision") == "granted", "anna, a responder, in the lockdown")
        #expect(try device.run(["mode", "--config", device.config, "normal"]).status == 0)
        #expect(try daemon.simulate(reader: "gate-in", "uid", "0A0B0C0D").reply?.string("reason") == "person_inactive")
        #expect(daemon.stop() == 0)
        let events = try device.run(["events", "--config", device.config, "--json"]).standardOutput.split(separator: "\n").compactMap { line -> JSONObject? in
            if case .object(let object)? = try? JSONReader.parse(String(line)) { object } else { nil }
        }
        #expect(events.map { $0.integer("seq") } == (1...Int64(events.count)).map { $0 }, "seq goes on from 7")
        #expect(events.count > 6)
    }

    @Test("release 0.1.0's backup restores onto a new disk with --next-seq")
    func restoreOldBackup() throws {
        let device = try CLIFixture()
        let restored = try device.run(["restore", "--config", device.config, Self.fixture, "--next-seq", "100"])
        #expect(restored.status == 0 && restored.standardOutput.contains("made 2026-12-02") && restored.standardOutput.contains("by 0.1.0"), "\(restored.standardError)")
        #expect(try device.status()["mode"] as? String == "lockdown")
    }
}
