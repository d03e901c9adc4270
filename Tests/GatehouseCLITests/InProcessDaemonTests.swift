import Foundation
import GatehouseCore
import GatehouseDaemon
import GatehouseStore
import GatehouseTesting
import Testing

/// The daemon inside the test process, through `buildDaemon(config:dependencies:)` and
/// `withDaemon`, on the template's gate (a door with a contact) and clocks the test moves.
@Suite("The daemon in-process")
struct InProcessDaemonTests {
    static func types(_ events: [StoredEvent]) -> [String] { events.map(\.type) }

    @Test("a grant nobody walks through: no_passage when its window ends, nobody inside, and the next try is granted")
    func grantNotUsed() async throws {
        let fixture = try DaemonFixture()
        let clock = ManualClock()
        let config = try ConfigFile.loadForDaemon(fixture.config).config
        try await withDaemon(config: config, dependencies: .inProcess(clock: clock.daemonClock)) { daemon in
            let granted = try await daemon.present(reader: "gate-in", uid: DaemonFixture.anna)
            #expect(granted.decision.reason == .granted && granted.events.map(\.type) == ["gatehouse.access.granted"])
            clock.advance(milliseconds: 3000)  // the gate's pulse_ms
            #expect(try await daemon.waitForEvents { Self.types($0).contains("gatehouse.access.no_passage") })
            #expect(try daemon.eventLog.runtimeState().zonesByOccupant.isEmpty, "never inside")
            let again = try await daemon.present(reader: "gate-in", uid: DaemonFixture.anna)
            #expect(again.decision.reason == .granted)
        }
    }

    @Test("through the gate: counted inside at the passage; the wall clock stepped an hour either way leaves the held-open alarm on time")
    func passageAndWallClockSteps() async throws {
        let fixture = try DaemonFixture()
        let clock = ManualClock()
        let config = try ConfigFile.loadForDaemon(fixture.config).config
        let heldOpen = Int64(try #require(config.door("gate")).heldOpenSeconds) * 1000
        try await withDaemon(config: config, dependencies: .inProcess(clock: clock.daemonClock)) { daemon in
            _ = try await daemon.present(reader: "gate-in", uid: DaemonFixture.anna)
            daemon.setInput("gate-contact", high: true)
            #expect(try await daemon.waitForEvents { Self.types($0).contains("gatehouse.access.passage") })
            #expect(try daemon.eventLog.runtimeState().isInside(.person("anna"), zone: "site"))
            // The gate stands open. An hour forward on the wall, then two back: no alarm early.
            clock.stepWall(milliseconds: 3_600_000)
            clock.advance(milliseconds: heldOpen - 2000)
            clock.stepWall(milliseconds: -7_200_000)
            try await Task.sleep(for: .milliseconds(600))  // a few ticks of the access thread
            #expect(try !Self.types(daemon.events()).contains("gatehouse.alarm.door_held"))
            clock.advance(milliseconds: 2000)
            #expect(try await daemon.waitForEvents { Self.types($0).contains("gatehouse.alarm.door_held") })
            daemon.setInput("gate-contact", high: false)
        }
        // After the graceful stop, the store holds every event, numbered without a gap.
        let events = try EventLog(database: try GatehouseDatabase(path: config.database), site: "acme", device: "gate-01").events(after: 0)
        #expect(events.map(\.seq) == Array(1...Int64(events.count)))
    }

    @Test("alarms: policy_stale once per bundle version, across a restart; repeated_denials once per streak")
    func alarms() async throws {
        let stale = try DaemonFixture(expires: "2026-01-01T00:00:00Z")
        let staleConfig = try ConfigFile.loadForDaemon(stale.config).config
        try await withDaemon(config: staleConfig) { (daemon: Daemon) async throws in
            #expect(try await daemon.present(reader: "gate-in", uid: DaemonFixture.anna).decision.reason == .policyStale)
        }
        try await withDaemon(config: staleConfig) { _ in }  // restarted: the alarm is not raised again
        let staleTypes = try stale.events().compactMap { $0.string("type") }
        #expect(staleTypes.filter { $0 == "gatehouse.alarm.policy_stale" }.count == 1)
        #expect(staleTypes.filter { $0 == "gatehouse.system.started" }.count == 2)

        let fresh = try DaemonFixture()
        try await withDaemon(config: try ConfigFile.loadForDaemon(fresh.config).config) { daemon in
            for _ in 0..<6 { _ = try await daemon.present(reader: "gate-in", uid: DaemonFixture.carla) }
            _ = try await daemon.present(reader: "gate-in", uid: DaemonFixture.anna)
            for _ in 0..<5 { _ = try await daemon.present(reader: "gate-in", uid: DaemonFixture.carla) }
        }
        let alarms = try fresh.events().filter { $0.string("type") == "gatehouse.alarm.repeated_denials" }
        #expect(alarms.count == 2)
        #expect(alarms.first?.object("data")?.integer("count") == 5 && alarms.first?.object("data")?.string("reader") == "gate-in")
    }
}
