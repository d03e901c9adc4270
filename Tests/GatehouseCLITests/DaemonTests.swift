import Foundation
import Synchronization
import GatehouseCore
import GatehouseDaemon
import GatehouseTesting
import Testing

@Suite("The daemon end to end", .serialized)
struct DaemonTests {
    @Test("status while the daemon runs: the process, the link, readers, doors, lines, the last decisions; --json; stopped, it says so and keeps the decisions")
    func liveStatus() throws {
        let fixture = try DaemonFixture()
        let daemon = try fixture.start()
        #expect(try daemon.simulate(reader: "gate-in", "uid", DaemonFixture.anna).status == 0)
        try daemon.walkThrough(contact: "gate-contact")
        #expect(try daemon.simulate(reader: "gate-in", "uid", DaemonFixture.carla).status == 1)

        let table = try fixture.site.run(["status", "--config", fixture.config])
        #expect(table.status == 0)
        let text = table.standardOutput
        #expect(text.contains("daemon   running, pid \(daemon.pid), version "), "\(text)")
        #expect(text.contains("link     none: no [mqtt] in the configuration"))
        #expect(text.contains("readers") && text.contains("gate-in") && text.contains("simulated"))
        #expect(text.contains("doors") && text.contains("zone site") && text.contains("locked"))
        #expect(text.contains("inputs") && text.contains("gate-contact") && text.contains("inactive"))
        #expect(text.contains("decisions (newest first)") && text.contains("person_inactive") && text.contains("person anna"))
        #expect(text.contains("outbox   ") && text.contains("the oldest from "))
        #expect(!text.contains(DaemonFixture.anna) && !text.contains(DaemonFixture.carla), "no credential on the screen")

        // The contact opens with no grant: the door is forced, and the input active.
        #expect(try fixture.site.run(["simulate", "--config", fixture.config, "input", "gate-contact", "high"]).status == 0)
        _ = try fixture.wait(.alarmDoorForced)
        let forced = try fixture.site.run(["status", "--config", fixture.config]).standardOutput
        #expect(forced.contains("FORCED"), "\(forced)")

        let json = try fixture.site.status()
        #expect(json["daemon_running"] as? Bool == true)
        #expect((json["daemon"] as? [String: Any])?["pid"] as? Int == Int(daemon.pid))
        let doors = json["doors"] as? [[String: Any]] ?? []
        #expect(doors.first?["id"] as? String == "gate" && doors.first?["state"] as? String == "forced")
        let inputs = json["inputs"] as? [[String: Any]] ?? []
        #expect(inputs.first { $0["id"] as? String == "gate-contact" }?["active"] as? Bool == true)
        #expect((json["readers"] as? [[String: Any]])?.map { $0["id"] as? String } == ["gate-in", "gate-out"])
        let decisions = json["recent_decisions"] as? [[String: Any]] ?? []
        #expect(decisions.map { $0["reason"] as? String } == ["person_inactive", "granted"])
        #expect(json["outbox_oldest"] as? String != nil && json.keys.contains("link"))

        let both = try fixture.site.run(["status", "--config", fixture.config, "--json", "--watch"])
        #expect(both.status == 64 && both.standardError.contains("--watch and --json cannot be combined"))

        #expect(daemon.stop() == 0)
        let stopped = try fixture.site.run(["status", "--config", fixture.config]).standardOutput
        #expect(stopped.contains("daemon   NOT RUNNING") && stopped.contains("person_inactive"))
        #expect(try fixture.site.status()["doors"] is NSNull)
    }

    @Test("simulate: a grant, a denial, a visitor checking in and out, errors; each decision a stored CloudEvent")
    func presentations() throws {
        let fixture = try DaemonFixture()
        let daemon = try fixture.start()

        // The gate has a contact: each grant counts once the gate opens.
        let granted = try daemon.simulate(reader: "gate-in", "uid", "04:a2:b3:c4:d5:e6:f7")
        try daemon.walkThrough(contact: "gate-contact")
        #expect(granted.status == 0)
        let reply = try #require(granted.reply)
        #expect(reply.string("decision") == "granted" && reply.string("reason") == "granted")
        #expect(reply.string("door") == "gate" && reply.string("zone") == "site" && reply.string("direction") == "in" && reply.string("person") == "anna")

        let denied = try daemon.simulate(reader: "gate-in", "uid", DaemonFixture.carla)
        #expect(denied.status == 1 && denied.reply?.string("reason") == "person_inactive")

        let token = try fixture.visitorToken()
        let visitorIn = try daemon.simulate(reader: "gate-in", "code", token)
        try daemon.walkThrough(contact: "gate-contact")
        #expect(visitorIn.status == 0 && visitorIn.reply?.string("invite") == "inv-1")
        let again = try daemon.simulate(reader: "gate-out", "code", token)
        try daemon.walkThrough(contact: "gate-contact")
        #expect(again.status == 0 && again.reply?.string("direction") == "out")
        let usedUp = try daemon.simulate(reader: "gate-in", "code", token)
        #expect(usedUp.status == 1 && usedUp.reply?.string("reason") == "invite_used_up")

        // Simulated inputs: set, logged, refused by name when unknown.
        let input = try fixture.site.run(["simulate", "--config", fixture.config, "input", "gate-contact", "high"])
        #expect(input.status == 0 && daemon.log.contains("gpio.input=gate-contact") && daemon.log.contains("gpio.level=high"))
        #expect(try fixture.site.run(["simulate", "--config", fixture.config, "input", "no-such-input", "high"]).status == 2)
        #expect(try fixture.site.run(["simulate", "--config", fixture.config, "input", "gate-contact", "sideways"]).status == 2)
        #expect(try fixture.site.run(["simulate", "--config", fixture.config, "uid", DaemonFixture.anna]).status == 2)

        let nowhere = try fixture.site.run(["simulate", "--config", fixture.config, "--reader", "gate-inn", "uid", DaemonFixture.anna])
        #expect(nowhere.status == 2 && nowhere.standardError.contains("no reader \"gate-inn\" in the configuration; its readers: gate-in, gate-out"), "\(nowhere.standardError)")
        let readerInput = try fixture.site.run(["simulate", "--config", fixture.config, "--reader", "gate-in", "input", "gate-contact", "high"])
        #expect(readerInput.status == 2 && readerInput.standardError.contains("--reader gate-in does not go with input"))
        let noInput = try fixture.site.run(["simulate", "--config", fixture.config, "input", "gate-contakt", "high"])
        #expect(noInput.standardError.contains("no input \"gate-contakt\" in the configuration; its inputs: "), "\(noInput.standardError)")
        #expect(try daemon.simulate(reader: "gate-in", "uid", "not-hex").status == 2)
        #expect(daemon.stop() == 0)

        let events = try fixture.events()
        #expect(events.map { $0.integer("seq") } == (1...events.count).map { Int64($0) })
        #expect(withoutDoorLife(events).map { $0.string("type") } == [
            "gatehouse.system.bundle_applied", "gatehouse.system.started", "gatehouse.access.granted", "gatehouse.access.denied", "gatehouse.access.granted",
            "gatehouse.visitor.checked_in", "gatehouse.access.granted", "gatehouse.visitor.checked_out", "gatehouse.access.denied",
            "gatehouse.alarm.door_forced",  // the contact set high by hand, with no grant
        ])
        // The bundle `bundle apply` put in before the daemon started, reported as applied locally.
        #expect(events[0].object("data")?.string("origin") == "local" && events[0].object("data")?.integer("version") == 1)
        #expect(events[2].string("id") == reply.string("event_id") && events[2].string("subject") == "gate")
        let data = try #require(events[2].object("data"))
        #expect(data.string("reader") == "gate-in" && data.string("mode") == "normal")
        #expect(data.object("credential")?.string("fingerprint") == CredentialFingerprint.of(site: "acme", value: DaemonFixture.anna))
        #expect(Set(events.compactMap { $0.string("id") }).count == events.count)

        // Raw UIDs and tokens never reach the log or the events; the relay pulse does.
        let everything = daemon.log + events.map { JSONValue.object($0).serialized }.joined()
        #expect(!everything.contains(DaemonFixture.anna) && !everything.contains(DaemonFixture.carla) && !everything.contains(token))
        #expect(daemon.log.contains("relay pulsed") && daemon.log.contains("gpio.output=gate-relay"))
        #expect(daemon.log.contains("access.reason=person_inactive"))

        // Anna went in; the visitor went in and out: one inside, by the device's count.
        let status = try fixture.site.status()
        #expect(status["last_seq"] as? Int == events.count && status["mode"] as? String == "normal")
        #expect((status["inside"] as? [String: Any])?["site"] as? Int == 1)

        let table = try fixture.site.run(["events", "--config", fixture.config, "--after", "6"])
        #expect(table.status == 0 && table.standardOutput.contains("visitor.checked_out") && !table.standardOutput.contains("system.started"))
    }

    @Test("a second daemon on the same database refuses to start, and the first keeps serving")
    func secondDaemonRefused() throws {
        let fixture = try DaemonFixture()
        let daemon = try fixture.start()
        let second = try fixture.site.run(["run", "--config", fixture.config])
        #expect(second.status == 2 && second.standardError.contains("already running"))
        #expect(try daemon.simulate(reader: "gate-in", "uid", DaemonFixture.anna).status == 0)
        #expect(daemon.stop() == 0)
    }

    @Test("SIGKILL in the middle of presentations: every reported decision's event is stored, and seq has no gaps after a restart")
    func seqSurvivesKill() throws {
        let fixture = try DaemonFixture()
        var daemon = try fixture.start()
        // Present as fast as the socket allows until the kill; keep the ids of the decisions
        // the daemon reported.
        var reported: [String] = []
        var failures = 0
        while failures == 0 {
            if reported.count == 40 { daemon.signal(SIGKILL) }
            do {
                let reply = try ControlClient.present(reader: "gate-in", format: "uid", value: DaemonFixture.anna, socket: daemon.socket)
                if let id = reply.string("event_id") { reported.append(id) }
            } catch {
                failures += 1
            }
        }
        daemon.stop(signal: SIGKILL)
        daemon = try fixture.start()
        _ = try daemon.simulate(reader: "gate-in", "uid", DaemonFixture.carla)
        daemon.stop()
        let events = try fixture.events()
        #expect(events.map { $0.integer("seq") } == (1...events.count).map { Int64($0) })
        let stored = Set(events.compactMap { $0.string("id") })
        #expect(stored.count == events.count)
        #expect(reported.count >= 40 && reported.allSatisfy(stored.contains))
        #expect(events.filter { $0.string("type") == "gatehouse.system.started" }.count == 2)
        #expect(events.last?.string("type") == "gatehouse.access.denied")
    }

    @Test("events --follow prints events as they are stored")
    func follow() throws {
        let fixture = try DaemonFixture()
        let daemon = try fixture.start()
        let follower = Process()
        follower.executableURL = URL(fileURLWithPath: GatehouseBinary.path)
        follower.arguments = ["events", "--config", fixture.config, "--json", "--follow"]
        let output = Pipe()
        follower.standardOutput = output
        let received = Mutex("")
        output.fileHandleForReading.readabilityHandler = { handle in
            let chunk = String(decoding: handle.availableData, as: UTF8.self)
            received.withLock { $0 += chunk }
        }
        try follower.run()
        defer {
            follower.terminate()
            follower.waitUntilExit()
            output.fileHandleForReading.readabilityHandler = nil
        }
        func waitFor(_ text: String) -> Bool {
            let deadline = Date(timeIntervalSinceNow: 20)
            while Date() < deadline {
                if received.withLock({ $0.contains(text) }) { return true }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return false
        }
        #expect(waitFor("gatehouse.system.started"))
        let presented = try daemon.simulate(reader: "gate-in", "uid", DaemonFixture.anna)
        #expect(waitFor(try #require(presented.reply?.string("event_id"))))
        daemon.stop()
    }

    @Test("SIGHUP: a good file is swapped in; a bad one is refused and the old one keeps working")
    func reload() throws {
        let fixture = try DaemonFixture()
        let daemon = try fixture.start()
        let original = try String(contentsOfFile: fixture.config, encoding: .utf8)
        #expect(try daemon.simulate(reader: "side-in", "uid", DaemonFixture.anna).status == 2)

        let same = try fixture.site.run(["check-config", fixture.config, "--reload-plan"])
        #expect(same.status == 0 && same.standardOutput == "no change from the running configuration\n")
        try (original + "\n[readers.side-in]\ntype = \"simulated\"\ndoor = \"gate\"\ndirection = \"in\"\n").write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let planned = try fixture.site.run(["check-config", fixture.config, "--reload-plan"])
        #expect(planned.status == 0 && planned.standardOutput == "readers.side-in: applies now (from the next presentation)\n", "\(planned.standardError)")
        daemon.signal(SIGHUP)
        #expect(try poll { try daemon.simulate(reader: "side-in", "uid", DaemonFixture.anna).status == 0 })

        try (original + "\n[readers.broken\n").write(toFile: fixture.config, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(try poll { daemon.log.contains("config reload refused") })
        #expect(daemon.isRunning)
        // The CLI cannot read the broken file either; ask the socket directly.
        let reply = try ControlClient.present(reader: "side-in", format: "uid", value: DaemonFixture.anna, socket: daemon.socket)
        #expect(reply.string("decision") == "granted")

        // The lines were claimed at start with the doors' fail modes: a new fail mode waits for a restart.
        try original.replacingOccurrences(of: "fail_mode = \"secure\"", with: "fail_mode = \"safe\"").write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let refused = try fixture.site.run(["check-config", fixture.config, "--reload-plan"])
        #expect(refused.status == 1 && refused.standardOutput.contains("[outputs] (or a door's fail_mode): refused (GPIO lines are claimed at start"))
        #expect(refused.standardOutput.hasSuffix("a reload would be refused: the running configuration would stay\n"))
        daemon.signal(SIGHUP)
        #expect(try poll { daemon.log.contains("[outputs] (or a door's fail_mode): cannot change while the daemon runs") })

        // The same key for visitor codes and commands: refused at reload as at start.
        try original.write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let invite = fixture.site.directory.file("site/keys/invite.jwks"), command = fixture.site.directory.file("site/keys/command.jwks")
        try FileManager.default.removeItem(atPath: command)
        try FileManager.default.copyItem(atPath: invite, toPath: command)
        daemon.signal(SIGHUP)
        #expect(try poll { daemon.log.contains("both trust key") })
        #expect(daemon.isRunning)
        #expect(daemon.stop() == 0)
    }

    @Test("systemd: READY=1 with STATUS, WATCHDOG=1 at half the interval, STOPPING=1 on SIGTERM")
    func notify() throws {
        let fixture = try DaemonFixture()
        let listener = try NotifyListener(path: fixture.site.directory.file("notify.sock"))
        let daemon = try fixture.start(environment: ["NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "400000"])
        let ready = listener.waitFor("READY=1", timeout: 30)
        #expect(ready.last?.contains("READY=1") == true)
        #expect(ready.last?.contains("STATUS=bundle 1, mode normal") == true)
        #expect(listener.waitFor("WATCHDOG=1", timeout: 10).last == "WATCHDOG=1")
        daemon.signal(SIGTERM)
        #expect(listener.waitFor("STOPPING=1", timeout: 30).last == "STOPPING=1")
        #expect(daemon.stop() == 0)
    }

    @Test("the control socket serves root and the daemon's user only")
    func controlSocketPermissions() throws {
        let fixture = try DaemonFixture()
        let daemon = try fixture.start()
        let attributes = try FileManager.default.attributesOfItem(atPath: daemon.socket)
        #expect((attributes[.posixPermissions] as? Int) == 0o660)
        #expect((attributes[.ownerAccountID] as? Int).map(UInt32.init) == getuid())
        if getuid() == 0 {
            // Open the file to everyone, so that the daemon's own peer check is what refuses.
            chmod(daemon.socket, 0o666)
            let script = """
                import os, socket, sys
                os.setgid(65534); os.setuid(65534)
                s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
                s.sendall(b'{"op":"ping"}\\n'); print(s.makefile().readline())
                """
            let output = try Subprocess.run("/usr/bin/env", ["python3", "-c", script, daemon.socket])
            #expect(output.standardOutput.contains("daemon.permission"), "\(output.standardError)")
            #expect(daemon.log.contains("refusal.reason=permission"))
        }
        #expect(daemon.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: daemon.socket))
    }

    /// Retries `check` for up to 20 seconds.
    func poll(_ check: () throws -> Bool) throws -> Bool {
        let deadline = Date(timeIntervalSinceNow: 20)
        while Date() < deadline {
            if try check() { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }
}
