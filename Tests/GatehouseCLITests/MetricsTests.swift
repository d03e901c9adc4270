import Foundation
import GatehouseTesting
import Testing

/// `[metrics] textfile_dir`: the daemon's figures for node_exporter's textfile collector.
@Suite("Metrics as a node_exporter textfile")
struct MetricsTests {
    @Test("decisions by result and reason, their latency, door alarms, the outbox and the policy, written atomically; no credential in it, no socket opened")
    func textfile() throws {
        let fixture = try DaemonFixture()
        let directory = fixture.site.directory.file("textfiles")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = try String(contentsOfFile: fixture.config, encoding: .utf8)
        try (config + "\n[metrics]\ntextfile_dir = \"\(directory)\"\ninterval_s = 1\n").write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let daemon = try fixture.start()
        #expect(try daemon.simulate(reader: "gate-in", "uid", DaemonFixture.anna).status == 0)
        try daemon.walkThrough(contact: "gate-contact")
        #expect(try daemon.simulate(reader: "gate-in", "uid", DaemonFixture.carla).status == 1)
        #expect(try fixture.site.run(["simulate", "--config", fixture.config, "input", "gate-contact", "high"]).status == 0)

        let file = directory + "/gatehouse.prom"
        var text = ""
        #expect(waitUntil {
            text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            return text.contains("gatehouse_door_alarms_total{door=\"gate\",alarm=\"forced\"} 1")
        }, "\(text)")
        #expect(text.contains("gatehouse_decisions_total{result=\"granted\",reason=\"granted\"} 1"))
        #expect(text.contains("gatehouse_decisions_total{result=\"denied\",reason=\"person_inactive\"} 1"))
        #expect(text.contains("# TYPE gatehouse_decision_seconds histogram") && text.contains("gatehouse_decision_seconds_count 2"))
        #expect(text.contains("gatehouse_policy_version 1.0") && text.contains("gatehouse_policy_stale 0.0"))
        #expect(text.contains("gatehouse_outbox_waiting ") && text.contains("gatehouse_outbox_oldest_age_seconds "))
        #expect(text.contains("gatehouse_info{version=\""))
        #expect(!text.contains(DaemonFixture.anna) && !text.contains(DaemonFixture.carla) && !text.contains("anna"), "no credential and no person")
        // Only the finished file is ever there: the temporary one is renamed over it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["gatehouse.prom"])
        let sockets = try Subprocess.run("/usr/bin/ss", ["-ltnup"])
        #expect(!sockets.standardOutput.contains("pid=\(daemon.pid),"), "no listening socket: \(sockets.standardOutput)")
        #expect(daemon.stop() == 0)

        // A bad directory is a configuration error only in the log: the gate keeps working.
        try (config + "\n[metrics]\ntextfile_dir = \"\(directory)/missing\"\n").write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let again = try fixture.start()
        #expect(try again.simulate(reader: "gate-in", "uid", DaemonFixture.anna).status == 0)
        #expect(waitUntil { again.log.contains("cannot write the metrics file") })
        #expect(again.stop() == 0)
        let bad = try fixture.site.run(["check-config", "--config", fixture.config])
        #expect(bad.status == 1 && bad.standardOutput.contains("metrics.textfile_dir") && bad.standardOutput.contains("missing: no such directory"), "\(bad.standardOutput)")
    }
}
