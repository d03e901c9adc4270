import Foundation
import GRDB
import GatehouseCore
import GatehouseDaemon
import GatehouseTesting
import Testing

/// `gatehouse backup` while the daemon runs, `gatehouse restore` with it stopped: the policy and
/// the runtime state come back, and `seq` never goes back.
@Suite("Backup and restore", .serialized)
struct BackupTests {
    @Test("a backup made while the daemon decides, restored later: the events since are carried over, seq continues without a gap or a repeat")
    func backupAndRestore() throws {
        let fixture = try DaemonFixture()
        var daemon = try fixture.start()
        #expect(try daemon.simulate(reader: "gate-in", "uid", DaemonFixture.anna).status == 0)
        let out = fixture.site.directory.file("backup-1")
        let backup = try fixture.site.run(["backup", "--config", fixture.config, out])
        #expect(backup.status == 0, "\(backup.standardError)")
        #expect(backup.standardOutput.contains("backup of acme/gate-01 in \(out): the state database (next seq ") && backup.standardOutput.contains("(bundle 1)"))
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(files == ["backup.json", "gatehouse.policy-1.sqlite", "gatehouse.sqlite"], "self-contained: no -wal or -shm")
        #expect((try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        #expect(try fixture.site.run(["backup", "--config", fixture.config, out]).status == 1, "never over an existing backup")

        // After the backup: more decisions, which the restore must not lose or renumber.
        for _ in 0..<3 { #expect(try daemon.simulate(reader: "gate-in", "uid", DaemonFixture.carla).status == 1) }
        let refused = try fixture.site.run(["restore", "--config", fixture.config, out])
        #expect(refused.status == 1 && refused.standardError.contains("stop it first"))
        #expect(daemon.stop() == 0)
        let before = try fixture.events()
        // A command seen after the backup must stay seen: a replay after the restore is refused.
        let database = try ConfigFile.load(fixture.config).database
        try DatabaseQueue(path: database).write { db in
            try db.execute(sql: "INSERT INTO command_seen (jti, keep_until) VALUES ('cmd-after-backup', 9999999999999)")
        }

        let restore = try fixture.site.run(["restore", "--config", fixture.config, out])
        #expect(restore.status == 0, "\(restore.standardError)")
        #expect(restore.standardOutput.contains("next seq \(before.count + 1);") && restore.standardOutput.contains("carried over"), "\(restore.standardOutput)")
        #expect(restore.standardOutput.contains("the replaced files are in "))
        let after = try fixture.events()
        #expect(after.map { $0.string("id") } == before.map { $0.string("id") }, "every event kept, in order")
        #expect(try DatabaseQueue(path: database).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM command_seen WHERE jti = 'cmd-after-backup'") } == 1)
        let directory = (database as NSString).deletingLastPathComponent
        let left = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(left.contains { $0.hasPrefix("before-restore-") } && !left.contains { $0.hasPrefix(".restore-") }, "\(left)")
        #expect(after.map { $0.integer("seq") } == (1...Int64(after.count)).map { $0 })

        daemon = try fixture.start()
        let granted = try daemon.simulate(reader: "gate-in", "uid", DaemonFixture.anna)
        #expect(granted.status == 0, "the policy came back")
        #expect(daemon.stop() == 0)
        let resumed = try fixture.events()
        #expect(resumed.map { $0.integer("seq") } == (1...Int64(resumed.count)).map { $0 }, "seq goes on from where it was")
        #expect(resumed.count > after.count)
    }

    @Test("backup refuses a device that has no database yet")
    func nothingToBackUp() throws {
        let fixture = try DaemonFixture(applyBundle: false)
        let backup = try fixture.site.run(["backup", "--config", fixture.config, fixture.site.directory.file("b")])
        #expect(backup.status == 1 && backup.standardError.contains("nothing to back up"), "\(backup.standardError)")
        #expect(!FileManager.default.fileExists(atPath: try ConfigFile.load(fixture.config).database), "and creates none")
    }

    @Test("restore refuses another device's backup, a damaged one, and a new disk without --next-seq; with it, seq starts there")
    func refusals() throws {
        let fixture = try DaemonFixture()
        let out = fixture.site.directory.file("backup-2")
        #expect(try fixture.site.run(["backup", "--config", fixture.config, out]).status == 0)

        let manifest = out + "/backup.json"
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        try text.replacingOccurrences(of: "\"gate-01\"", with: "\"gate-02\"").write(toFile: manifest, atomically: true, encoding: .utf8)
        let other = try fixture.site.run(["restore", "--config", fixture.config, out])
        #expect(other.status == 1 && other.standardError.contains("is the backup of acme/gate-02, not of acme/gate-01"), "\(other.standardError)")
        try text.write(toFile: manifest, atomically: true, encoding: .utf8)

        #expect((try FileManager.default.attributesOfItem(atPath: out + "/gatehouse.sqlite")[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let policy = out + "/gatehouse.policy-1.sqlite"
        try FileManager.default.moveItem(atPath: policy, toPath: policy + ".real")
        try FileManager.default.createSymbolicLink(atPath: policy, withDestinationPath: policy + ".real")
        let linked = try fixture.site.run(["restore", "--config", fixture.config, out])
        #expect(linked.status == 1 && linked.standardError.contains("not a regular file"), "\(linked.standardError)")
        try FileManager.default.removeItem(atPath: policy)
        try FileManager.default.moveItem(atPath: policy + ".real", toPath: policy)
        let original = try Data(contentsOf: URL(fileURLWithPath: policy))
        var damaged = original
        damaged[damaged.count / 2] ^= 0xFF
        try damaged.write(to: URL(fileURLWithPath: policy))
        let broken = try fixture.site.run(["restore", "--config", fixture.config, out])
        #expect(broken.status == 1 && broken.standardError.contains("gatehouse.policy-1.sqlite: damaged"), "\(broken.standardError)")
        try original.write(to: URL(fileURLWithPath: policy))

        // A new disk: the state directory is empty.
        let database = try ConfigFile.load(fixture.config).database
        for name in try FileManager.default.contentsOfDirectory(atPath: (database as NSString).deletingLastPathComponent) where name.hasPrefix("gatehouse.") && !name.hasSuffix(".lock") {
            try FileManager.default.removeItem(atPath: (database as NSString).deletingLastPathComponent + "/" + name)
        }
        let blind = try fixture.site.run(["restore", "--config", fixture.config, out])
        #expect(blind.status == 1 && blind.standardError.contains("give --next-seq"), "\(blind.standardError)")
        let numbered = try fixture.site.run(["restore", "--config", fixture.config, out, "--next-seq", "500"])
        #expect(numbered.status == 0 && numbered.standardOutput.contains("next seq 500;"), "\(numbered.standardError)")
        let daemon = try fixture.start()
        #expect(try daemon.simulate(reader: "gate-in", "uid", DaemonFixture.anna).status == 0)
        #expect(daemon.stop() == 0)
        #expect(try fixture.events().last?.integer("seq") ?? 0 >= 500)
    }
}
