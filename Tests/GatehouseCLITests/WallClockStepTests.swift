import Foundation
import GatehouseCore
import GatehouseDaemon
import GatehouseTesting
import Testing

/// The daemon under Debian's faketime, its wall clock following a file's modification time
/// (`FAKETIME_FOLLOW_FILE`), which the test steps while the gate stands open; the monotonic
/// clock is left real (`FAKETIME_DONT_FAKE_MONOTONIC`).
@Suite("Wall-clock steps end to end", .serialized)
struct WallClockStepTests {
    /// The daemon under faketime's wrapper, which stays its parent: a shell in between writes the
    /// daemon's own pid, so that signals reach the daemon and not the wrapper.
    final class FakedDaemon {
        let wrapper = Process()
        let pidFile: String
        var pid: Int32 = 0

        /// The wall clock follows `clockFile`'s modification time; the monotonic clock is real.
        convenience init(config: String, clockFile: String, directory: TemporaryDirectory) throws {
            // FAKETIME_NO_CACHE: the file is read again at every call, not every 10 s.
            try self.init(
                config: config, faketime: ["-f", "%"], directory: directory,
                environment: ["FAKETIME_FOLLOW_FILE": clockFile, "FAKETIME_DONT_FAKE_MONOTONIC": "1", "FAKETIME_NO_CACHE": "1"])
        }

        /// Both clocks start at `start` (faketime's "YYYY-MM-DD hh:mm:ss") and run on from there.
        convenience init(config: String, startingAt start: String, directory: TemporaryDirectory) throws {
            try self.init(config: config, faketime: [start], directory: directory, environment: [:])
        }

        init(config: String, faketime: [String], directory: TemporaryDirectory, environment extra: [String: String]) throws {
            pidFile = directory.file("daemon.pid")
            try? FileManager.default.removeItem(atPath: pidFile)
            let log = directory.file("daemon.log")
            wrapper.executableURL = URL(fileURLWithPath: "/usr/bin/faketime")
            wrapper.arguments = faketime + ["/bin/sh", "-c", "echo $$ > '\(pidFile)'; exec '\(GatehouseBinary.path)' run --config '\(config)' 2>> '\(log)'"]
            var environment = ProcessInfo.processInfo.environment
            environment["NOTIFY_SOCKET"] = nil
            environment.merge(extra) { $1 }
            wrapper.environment = environment
            try wrapper.run()
        }

        deinit {
            if pid > 0 { kill(pid, SIGKILL) }
            wrapper.waitUntilExit()
        }

        /// Waits for the pid file and the control socket's answer.
        func waitUntilAnswering(socket: String) -> Bool {
            waitUntil {
                if pid == 0, let text = try? String(contentsOfFile: pidFile, encoding: .utf8), let read = Int32(text.trimmingWhitespace()) { pid = read }
                guard pid > 0 else { return false }
                if case .bool(true)? = try? ControlClient.send(JSONObject([("op", .string("ping"))]), to: socket)["ok"] { return true }
                return false
            }
        }

        func stop() -> Int32 {
            kill(pid, SIGTERM)
            wrapper.waitUntilExit()
            pid = 0
            return wrapper.terminationStatus
        }
    }

    static func setWallClock(_ file: String, offsetSeconds: Double) throws {
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: offsetSeconds)], ofItemAtPath: file)
    }

    @Test("an hour forward after a grant, then two back while the gate stands open: the passage counts, door_held comes on time, events never dated before the clock floor, clock_suspect once per episode")
    func wallClockSteps() throws {
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/faketime"), "scripts/lib/setup.sh installs Debian's faketime")
        let doors = try DoorFixture()
        let directory = TemporaryDirectory("gatehouse-faketime")
        let clock = directory.file("wall-clock")
        FileManager.default.createFile(atPath: clock, contents: nil)
        try Self.setWallClock(clock, offsetSeconds: 0)
        let socket = ControlServer.path(forDatabase: try ConfigFile.load(doors.config).database)
        let daemon = try FakedDaemon(config: doors.config, clockFile: clock, directory: directory)
        #expect(daemon.waitUntilAnswering(socket: socket))

        #expect(try ControlClient.present(reader: "gate-in", format: "uid", value: DaemonFixture.anna, socket: socket).string("decision") == "granted")
        try Self.setWallClock(clock, offsetSeconds: 3600)
        try doors.input("gate-contact", "high")
        let passage = try #require(try doors.wait(.accessPassage).first)
        #expect(passage.object("data")?.string("person") == "anna", "the grant's window did not end an hour early")
        #expect(try doors.events(.accessNoPassage).isEmpty && doors.events(.alarmDoorForced).isEmpty)
        let ahead = try #require(passage.string("time").flatMap(Timestamp.init(rfc3339:)))
        #expect(ahead.millisecondsSinceEpoch > WallClock.now().millisecondsSinceEpoch + 3_500_000, "events carry the wall clock")

        try Self.setWallClock(clock, offsetSeconds: -3600)
        // held_open_s = 2: the alarm comes two seconds of the monotonic clock after the opening,
        // not an hour of the wall clock later; and it is dated at the clock floor, not two
        // hours back (contract 7.4).
        let held = try #require(try doors.wait(.alarmDoorHeld).first)
        let heldTime = try #require(held.string("time").flatMap(Timestamp.init(rfc3339:)))
        #expect(heldTime >= ahead, "no event dated before the floor")
        let suspect = try #require(try doors.wait(.alarmClockSuspect).first)
        let data = try #require(suspect.object("data"))
        let system = try #require(data.string("system_time").flatMap(Timestamp.init(rfc3339:)))
        let floor = try #require(data.string("floor").flatMap(Timestamp.init(rfc3339:)))
        #expect(system.millisecondsSinceEpoch < WallClock.now().millisecondsSinceEpoch - 3_500_000, "the alarm names the system time, an hour back")
        #expect(floor >= ahead)
        try doors.input("gate-contact", "low")

        // Right again, past the floor: the episode ends; a second step back is a new one.
        try Self.setWallClock(clock, offsetSeconds: 7200)
        #expect(waitUntil { ((try? String(contentsOfFile: directory.file("daemon.log"), encoding: .utf8)) ?? "").contains("past the clock floor again") })
        try Self.setWallClock(clock, offsetSeconds: 0)
        #expect(try doors.wait(for: 2, .alarmClockSuspect).count == 2)
        #expect(try doors.events(.alarmClockSuspect).count == 2, "one alarm per episode")
        #expect(daemon.stop() == 0)
    }

    @Test("a box that boots with its clock in 2020: deciding with the floor (a grant valid from 2026 still opens), no event dated 2020, clock_suspect once across a restart, status says so")
    func bootsIn2020() throws {
        let fixture = try DaemonFixture(extraLines: [
            Records.person("dora", kind: "contractor"), Records.badge("c-dora", person: "dora", uid: "0D0D0D0D"),
            #"{"op":"put","type":"grant","id":"g-dora","person":"dora","zones":["site"],"valid_from":"2026-06-01T00:00:00Z"}"#,
        ])
        let directory = TemporaryDirectory("gatehouse-faketime")
        let socket = ControlServer.path(forDatabase: try ConfigFile.load(fixture.config).database)
        let before = WallClock.now()
        for run in 1...2 {
            let daemon = try FakedDaemon(config: fixture.config, startingAt: "2020-01-01 00:00:00", directory: directory)
            #expect(daemon.waitUntilAnswering(socket: socket))
            let decision = try ControlClient.present(reader: "gate-in", format: "uid", value: "0D0D0D0D", socket: socket)
            #expect(decision.string("decision") == "granted", "run \(run): decided with the floor, not with 2020")
            #expect(daemon.stop() == 0)
        }
        let events = try fixture.events()
        #expect(events.allSatisfy { ($0.string("time").flatMap(Timestamp.init(rfc3339:)) ?? before) >= before.adding(seconds: -600) }, "no event dated 2020")
        let alarms = events.filter { $0.string("type") == EventType.alarmClockSuspect.rawValue }
        #expect(alarms.count == 1, "one episode across a restart")
        #expect(alarms.first?.object("data")?.string("system_time")?.hasPrefix("2020-01-01") == true)
        let log = (try? String(contentsOfFile: directory.file("daemon.log"), encoding: .utf8)) ?? ""
        #expect(log.contains("the system clock is behind the clock floor"))

        // status, itself run with the clock in 2020, says so.
        let status = try Subprocess.run("/usr/bin/faketime", ["2020-01-01 00:00:00", GatehouseBinary.path, "status", "--config", fixture.config, "--json"])
        #expect(status.standardOutput.contains(#""clock":"suspect""#), "\(status.standardOutput)\(status.standardError)")
        let table = try fixture.site.run(["status", "--config", fixture.config])
        #expect(table.standardOutput.contains("clock    ok"), "with the real clock, past the floor")
    }
}
