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

        init(config: String, clockFile: String, directory: TemporaryDirectory) throws {
            pidFile = directory.file("daemon.pid")
            let log = directory.file("daemon.log")
            wrapper.executableURL = URL(fileURLWithPath: "/usr/bin/faketime")
            wrapper.arguments = ["-f", "%", "/bin/sh", "-c", "echo $$ > '\(pidFile)'; exec '\(GatehouseBinary.path)' run --config '\(config)' 2>> '\(log)'"]
            var environment = ProcessInfo.processInfo.environment
            environment["NOTIFY_SOCKET"] = nil
            environment["FAKETIME_FOLLOW_FILE"] = clockFile
            environment["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
            environment["FAKETIME_NO_CACHE"] = "1"  // the file is read again at every call, not every 10 s
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

    @Test("an hour forward after a grant, then two back while the gate stands open: the passage counts, door_held comes on time, events carry the stepped wall clock")
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
        // not an hour of the wall clock later.
        let held = try #require(try doors.wait(.alarmDoorHeld).first)
        let behind = try #require(held.string("time").flatMap(Timestamp.init(rfc3339:)))
        #expect(behind.millisecondsSinceEpoch < WallClock.now().millisecondsSinceEpoch - 3_500_000)
        try doors.input("gate-contact", "low")
        #expect(daemon.stop() == 0)
    }
}
