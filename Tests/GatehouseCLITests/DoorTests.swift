import Foundation
import GatehouseCore
import GatehouseGPIO
import GatehouseTesting
import Testing

/// Emergency modes, fail modes across a restart, the muster list and the mode's permissions
/// through the running daemon, on simulated GPIO lines set with `gatehouse simulate … input`.
/// A door's and a turnstile's life are tested in-process (DoorInProcessTests).
@Suite("Doors, alarms and emergency modes end to end")
struct DoorTests {
    @Test("the fire alarm starts an evacuation with its muster list; fail modes across a stop and a restart")
    func evacuationAndFailModes() throws {
        let doors = try DoorFixture()
        var daemon = try doors.start()
        #expect(try daemon.simulate(reader: "gate-in", "uid", DoorFixture.bob).status == 0)
        try daemon.walkThrough(contact: "gate-contact")

        try doors.input("fire-alarm", "high")
        let changed = try #require(try doors.wait(.emergencyModeChanged).first?.object("data"))
        #expect(changed.string("mode") == "evacuation" && changed.string("origin") == "input:fire-alarm")
        let muster = try #require(try doors.wait(.emergencyMuster).first?.object("data"))
        #expect(muster.string("ordered_by") == "evacuation" && muster.integer("total") == 1)
        // The fail-safe fire exit and the turnstile are held open; the fail-secure gate is not.
        #expect(doors.waitForOutput("exit-relay", "active") && doors.waitForOutput("turnstile-relay", "active"))
        #expect(try doors.lines().outputs["gate-relay"] == "inactive")
        // People leave through the open fire exit and the free turnstile: no alarm.
        try doors.press("exit-contact")
        try doors.press("turn-rotation")
        #expect(try daemon.simulate(reader: "gate-out", "uid", DoorFixture.bob).reply?.string("reason") == "granted_evacuation")
        try doors.input("fire-alarm", "low")
        #expect(try doors.base.site.status()["mode"] as? String == "evacuation", "the evacuation outlasts the alarm")

        // Stopped: every output at its safe state; the fail-safe door's relay releases it.
        #expect(daemon.stop() == 0)
        #expect(try doors.lines() == (false, ["exit-relay": "active", "gate-buzzer": "inactive", "gate-relay": "inactive", "turnstile-relay": "inactive"]))
        #expect(try doors.events(.alarmDoorForced).isEmpty)

        // Restarted: the evacuation is still on, so the fire exit and turnstile open again.
        daemon = try doors.start()
        #expect(doors.waitForOutput("turnstile-relay", "active"))
        #expect(try doors.lines() == (true, ["exit-relay": "active", "gate-buzzer": "inactive", "gate-relay": "inactive", "turnstile-relay": "active"]))
        let normal = try doors.base.site.run(["mode", "--config", doors.config, "normal"])
        #expect(normal.status == 0 && normal.standardOutput.contains("mode normal"), "\(normal.standardError)")
        #expect(doors.waitForOutput("exit-relay", "inactive") && doors.waitForOutput("turnstile-relay", "inactive"))
        #expect(try doors.events(.emergencyModeChanged).last?.object("data")?.string("origin") == "cli:root")
        // Secured again, an opening without a grant is forced once more.
        try doors.press("exit-contact")
        try doors.wait(.alarmDoorForced)
        #expect(daemon.stop() == 0)
    }

    @Test("gatehouse muster: who is inside after entries and exits, from the daemon and, once it stops, from the database")
    func musterList() throws {
        let doors = try DoorFixture()
        let daemon = try doors.start()
        let token = try doors.base.visitorToken()
        // Each through the gate, whose contact counts them; Eve's grant is never used.
        for (reader, kind, value) in [
            ("gate-in", "uid", DaemonFixture.anna), ("gate-in", "uid", DoorFixture.bob), ("gate-in", "code", token), ("gate-out", "uid", DaemonFixture.anna),
        ] {
            #expect(try daemon.simulate(reader: reader, kind, value).status == 0)
            try daemon.walkThrough(contact: "gate-contact")
        }
        #expect(try daemon.simulate(reader: "turnstile-in", "uid", DoorFixture.bob).status == 0)
        try doors.wait(.accessNoPassage)

        let printed = try doors.base.site.run(["muster", "--config", doors.config])
        #expect(printed.status == 0)
        #expect(printed.standardOutput == "2 inside\nzone site: 2\n  person bob\n  visitor, invite inv-1\n", "\(printed.standardError)")
        #expect(try doors.events(.emergencyMuster).isEmpty, "printing the list publishes nothing")
        let announced = try doors.base.site.run(["muster", "--config", doors.config, "--announce"])
        #expect(announced.standardOutput == printed.standardOutput)
        let stored = try #require(try doors.events(.emergencyMuster).first?.object("data"))
        #expect(stored.string("ordered_by") == "cli:root" && stored.integer("total") == 2)
        #expect(daemon.stop() == 0)

        let offline = try doors.base.site.run(["muster", "--config", doors.config, "--json"])
        #expect(offline.status == 0)
        #expect(offline.standardOutput.contains(#""people":["bob"]"#) && offline.standardOutput.contains(#""invites":["inv-1"]"#))
        let noDaemon = try doors.base.site.run(["muster", "--config", doors.config, "--announce"])
        #expect(noDaemon.status == 2 && noDaemon.standardError.contains("no daemon is running"), "\(noDaemon.standardError)")
        #expect(try doors.events(.emergencyMuster).count == 1, "nothing is stored without the daemon")
    }

    @Test("lockdown lets responders only; the mode is changed by root and control.group only, and bad requests are refused")
    func lockdownAndPermissions() throws {
        let doors = try DoorFixture()
        let daemon = try doors.start()
        let lockdown = try doors.base.site.run(["mode", "--config", doors.config, "lockdown"])
        #expect(lockdown.status == 0, "\(lockdown.standardError)")
        #expect(try daemon.simulate(reader: "gate-in", "uid", DoorFixture.bob).reply?.string("reason") == "lockdown")
        #expect(try daemon.simulate(reader: "gate-in", "uid", DaemonFixture.anna).status == 0, "Anna is a responder")
        #expect(try doors.base.site.run(["mode", "--config", doors.config, "lockdown"]).standardOutput.contains("already"))
        #expect(try doors.base.site.run(["mode", "--config", doors.config, "sideways"]).status == 64)
        #expect(try doors.base.site.run(["mode", "--config", doors.config, "normal", "--zones", "no zone"]).status == 1)

        // Someone outside the socket's group is told it is a permission problem, not "no daemon".
        let outsider = try Subprocess.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=1", "--clear-groups", GatehouseBinary.path, "mode", "--config", doors.config, "normal"])
        #expect(outsider.status == 2 && outsider.standardError.contains("permission denied") && outsider.standardError.contains("control.group"), "\(outsider.standardError)")

        // The socket file belongs to the group; the daemon's own check refuses the others.
        let attributes = try FileManager.default.attributesOfItem(atPath: daemon.socket)
        #expect((attributes[.groupOwnerAccountName] as? String) == "nogroup")
        chmod(daemon.socket, 0o666)
        func ask(gid: Int, groups: [Int], _ request: String) throws -> String {
            let script = """
                import os, socket, sys
                os.setgroups(\(groups)); os.setgid(\(gid)); os.setuid(65534)
                s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
                s.sendall(sys.argv[2].encode() + b'\\n'); print(s.makefile().readline())
                """
            return try Subprocess.run("/usr/bin/env", ["python3", "-c", script, daemon.socket, request]).standardOutput
        }
        let stranger = try ask(gid: 1, groups: [], #"{"op":"mode","mode":"normal"}"#)
        #expect(stranger.contains("daemon.permission"))
        let member = try ask(gid: 1, groups: [65534], #"{"op":"mode","mode":"normal"}"#)
        #expect(member.contains(#""ok":true"#) && member.contains(#""mode":"normal""#), "\(member)")
        #expect(try ask(gid: 65534, groups: [], #"{"op":"mode","mode":"panic"}"#).contains("expected normal, lockdown or evacuation"))
        #expect(try doors.base.site.status()["mode"] as? String == "normal")
        #expect(try daemon.simulate(reader: "gate-in", "uid", DoorFixture.bob).status == 0)
        #expect(daemon.stop() == 0)
    }

    @Test("with hardware.gpio = \"gpiod\" and no GPIO chip the daemon stops at once, naming the chip and the line")
    func noChip() throws {
        let fixture = try DaemonFixture()
        let text = try String(contentsOfFile: fixture.config, encoding: .utf8)
        try text.replacingOccurrences(of: "gpio = \"simulated\"", with: "gpio = \"gpiod\"").write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let run = try fixture.site.run(["run", "--config", fixture.config])
        #expect(run.status == 2)
        #expect(run.standardError.contains("cannot open GPIO chip \"gpiochip0\" for output gate-buzzer, line 18"), "\(run.standardError)")
        #expect(try fixture.events().map { $0.string("type") } == ["gatehouse.system.bundle_applied"], "nothing was started, nothing stored but the report of the bundle applied before")
    }

    @Test("zone-limited modes: an unknown zone is refused with the cache's zones and changes nothing; zones add to the mode in force, normal with zones ends it there; status and the events table show the zones")
    func evacuationZones() throws {
        let doors = try DoorFixture()
        let daemon = try doors.start()
        _ = daemon
        func mode(_ arguments: String...) throws -> GatehouseBinary.Output {
            try doors.base.site.run(["mode", "--config", doors.config] + arguments)
        }
        let plant = try mode("evacuation", "--zones", "plant")
        #expect(plant.status == 0 && plant.standardOutput.contains("mode evacuation in plant; was normal"), "\(plant.standardOutput)\(plant.standardError)")
        let nowhere = try mode("evacuation", "--zones", "nowhere")
        #expect(nowhere.status == 1 && nowhere.standardError.contains("unknown zone nowhere; the cache's zones: plant, site"), "\(nowhere.standardError)")
        #expect(try doors.base.site.status()["mode_zones"] as? [String] == ["plant"], "the refusal changed nothing")
        let site = try mode("evacuation", "--zones", "site")
        #expect(site.standardOutput.contains("mode evacuation in plant, site; was evacuation in plant"), "\(site.standardOutput)")
        #expect(try mode("evacuation", "--zones", "plant").standardOutput.contains("mode already evacuation in plant, site"))
        let table = try doors.base.site.run(["status", "--config", doors.config])
        #expect(table.standardOutput.contains("mode     evacuation in plant, site"), "\(table.standardOutput)")
        #expect(table.standardOutput.contains("daemon   running"))
        let events = try doors.base.site.run(["events", "--config", doors.config])
        #expect(events.standardOutput.contains("mode=evacuation zones=plant,site previous=evacuation previous_zones=plant"), "\(events.standardOutput)")

        let ended = try mode("normal", "--zones", "plant")
        #expect(ended.standardOutput.contains("mode evacuation in site; was evacuation in plant, site"), "\(ended.standardOutput)")
        #expect(try mode("normal").standardOutput.contains("mode normal; was evacuation in site"))
        #expect(try mode("lockdown").status == 0)
        let partial = try mode("normal", "--zones", "plant")
        #expect(partial.status == 1 && partial.standardError.contains("covers every zone"), "a site-wide lockdown has no zones to end")
        #expect(try mode("normal").status == 0)
        #expect(try mode("evacuation", "--zones", "plant").status == 0)
        let lockdown = try mode("lockdown", "--zones", "site")
        #expect(lockdown.status == 1 && lockdown.standardError.contains("end it first with `normal`"), "a lockdown never ends an evacuation")

        // The events command's filters, on what this test stored.
        func listed(_ arguments: String...) throws -> [Substring] {
            try doors.base.site.run(["events", "--config", doors.config] + arguments).standardOutput.split(separator: "\n").dropFirst().map { $0 }
        }
        let changes = try listed("--type", "emergency.mode_changed", "--since", "1h")
        #expect(changes.count == 7 && changes.allSatisfy { $0.contains("emergency.mode_changed") }, "\(changes)")
        let last = try listed("--type", "emergency.mode_changed", "--limit", "1")
        #expect(last.count == 1 && last[0].contains("mode=evacuation zones=plant previous=normal"), "\(last)")
        #expect(try listed("--type", "emergency", "--limit", "2").count == 2)
        #expect(try listed("--since", "2099-01-01T00:00:00Z").isEmpty)
        #expect(try listed("--since", "2020-01-01T00:00:00Z", "--type", "system.started").count == 1)
        let bad = try doors.base.site.run(["events", "--config", doors.config, "--type", "alarm.nothing"])
        #expect(bad.status == 1 && bad.standardError.contains("the families: access, alarm"))
    }
}
