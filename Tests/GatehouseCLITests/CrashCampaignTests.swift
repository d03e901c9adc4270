import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseDaemon
import GatehouseStore
import GatehouseTesting
import Synchronization
import Testing

/// Issue 21's crash-consistency campaign: the daemon SIGKILLed at random moments while badges
/// are presented, bundles (snapshots and deltas) and commands arrive over MQTT and the broker
/// restarts; after each kill the files are checked, and at the end every stored event is looked
/// for at the platform. The suite runs a few kills; `scripts/campaign crash` runs 200
/// (`GATEHOUSE_CRASH_KILLS`), with the figures written to `GATEHOUSE_CAMPAIGN_REPORT`.
@Suite("Crash consistency under load", .serialized)
struct CrashCampaignTests {
    static var kills: Int { ProcessInfo.processInfo.environment["GATEHOUSE_CRASH_KILLS"].flatMap(Int.init) ?? 6 }

    /// Version v's staff: small, except every seventh, large enough to be killed while it applies.
    static func staffCount(_ version: Int) -> Int { version % 7 == 0 ? 30_000 : 50 + version }

    @Test("SIGKILL at random moments under load: integrity ok, one complete policy version, no seq gap, every answered decision stored, every event delivered exactly once after dedup")
    func campaign() async throws {
        let broker = try MosquittoBroker()
        let fixture = try DaemonFixture(mqtt: "mqtt://127.0.0.1:\(broker.port)")
        let platform = try Platform(port: broker.port)
        let database = fixture.site.directory.file("site/state/gatehouse.sqlite")
        let commandKey = try SigningKey(contentsOf: fixture.site.directory.file("site/keys/private/command.jwk"))
        var expected: [Int: Int] = [1: 2]  // version → people (and badges) it holds
        var figures = Figures()
        var generator = SystemRandomNumberGenerator()
        var stuck = (version: 1, rounds: 0)

        for round in 0..<Self.kills {
            let current = try Self.check(fixture, database, expected: expected, round: round, figures: &figures)
            let version = current + 1
            let small = Self.staffCount(version) < 1000 && Self.staffCount(current) < 1000 && current > 1
            let lines = DaemonFixture.lines + Records.staff(Self.staffCount(version))
            let bundle =
                small && round % 2 == 0
                ? try fixture.site.build(
                    version: version, lines: Records.staff(1, offset: Self.staffCount(version) - 1), name: "r\(round).bundle",
                    arguments: ["--kind", "delta", "--base", String(current)])
                : try fixture.site.build(version: version, lines: lines, name: "r\(round).bundle")
            expected[version] = 2 + Self.staffCount(version)

            let daemon = try fixture.start()
            let load = Load(daemon: daemon)
            load.start()
            try platform.publish(Platform.root + "bundle", Array(try Data(contentsOf: URL(fileURLWithPath: bundle))))
            let claims = CommandClaims(
                aud: Audience(["acme/gate-01"]), jti: "crash-\(round)", iat: Date().timeIntervalSince1970, exp: Date().timeIntervalSince1970 + 60, sub: "ops-desk",
                cmd: round % 2 == 0 ? "ping" : "open", args: round % 2 == 0 ? [:] : ["door": .string("gate")])
            try platform.publish(Platform.root + "cmd/" + claims.cmd, Array(try await commandKey.sign(claims).utf8))
            if round % 5 == 4 {
                broker.stop()
                try broker.start()
                figures.brokerRestarts += 1
            }
            // A large snapshot killed three times running is let through once, so that the
            // campaign goes on past it to deltas and snapshots of later versions.
            stuck = stuck.version == current ? (current, stuck.rounds + 1) : (current, 1)
            if stuck.rounds >= 3 {
                let deadline = Date(timeIntervalSinceNow: 180)
                while (try? fixture.site.status()["bundle_version"] as? Int) != version, Date() < deadline { usleep(200_000) }
                #expect(try fixture.site.status()["bundle_version"] as? Int == version, "round \(round): v\(version) never applied")
            }
            usleep(UInt32.random(in: 100_000...2_000_000, using: &generator))
            _ = daemon.stop(signal: SIGKILL)
            load.finish()
            figures.answered.formUnion(load.answered)
            figures.presentations += load.attempts
        }
        _ = try Self.check(fixture, database, expected: expected, round: Self.kills, figures: &figures)

        // A last orderly run delivers what is left; then every stored event was received, once after dedup.
        let daemon = try fixture.start()
        #expect(waitUntil { (try? fixture.site.status()["outbox_depth"] as? Int) == 0 }, "the outbox drained")
        #expect(daemon.stop() == 0)
        let stored = try fixture.events().compactMap { $0.string("id") }
        platform.wait("every stored event at the platform") { Set(platform.distinctEvents.compactMap { $0.string("id") }).isSuperset(of: stored) }
        let received = platform.events.compactMap { $0.string("id") }
        let distinct = Set(received)
        figures.stored = stored.count
        figures.received = received.count
        figures.duplicates = received.count - distinct.count
        figures.lost = Set(stored).subtracting(distinct).count
        #expect(figures.lost == 0, "stored events never received")
        #expect(distinct.subtracting(stored).isEmpty, "received events the device does not have")
        #expect(figures.answered.isSubset(of: Set(stored)), "answered decisions without their event")
        figures.report(kills: Self.kills)
    }

    /// The checks after a kill; returns the policy version in force.
    static func check(_ fixture: DaemonFixture, _ path: String, expected: [Int: Int], round: Int, figures: inout Figures) throws -> Int {
        let database = try GatehouseDatabase(path: path)
        #expect(try database.integrityCheck() == "ok", "integrity after kill \(round)")
        let policy = try #require(try database.openPolicy())
        #expect(try policy.integrityCheck() == "ok", "the policy's integrity after kill \(round)")
        let version = Int(try #require(try policy.appliedBundle()).version)
        let counts = try policy.counts()
        #expect(counts[.person] == expected[version] && counts[.credential] == expected[version], "kill \(round): version \(version) is not complete: \(counts)")
        let sequence = try fixture.events().compactMap { $0.integer("seq") }.sorted()
        #expect(sequence == (0..<sequence.count).map { (sequence.first ?? 1) + Int64($0) }, "kill \(round): a gap in seq")
        figures.versions.insert(version)
        return version
    }
}

/// What the campaign counts.
struct Figures {
    var answered: Set<String> = []
    var presentations = 0
    var brokerRestarts = 0
    var versions: Set<Int> = []
    var stored = 0
    var received = 0
    var duplicates = 0
    var lost = 0

    func report(kills: Int) {
        let line =
            "crash campaign: kills=\(kills) presentations=\(presentations) answered=\(answered.count) broker_restarts=\(brokerRestarts) "
            + "versions_seen=\(versions.count) stored=\(stored) received=\(received) duplicates=\(duplicates) lost=\(lost)"
        print(line)
        if let path = ProcessInfo.processInfo.environment["GATEHOUSE_CAMPAIGN_REPORT"] {
            FileManager.default.createFile(atPath: path, contents: Data((line + "\n").utf8))
        }
    }
}

/// Badges presented one after another through `gatehouse simulate` on a thread of its own,
/// until the daemon is gone; the event ids of the decisions answered are kept.
final class Load: Sendable {
    let daemon: RunningDaemon
    private let state = Mutex<(stop: Bool, answered: [String], attempts: Int)>((false, [], 0))
    private let done = DispatchSemaphore(value: 0)

    init(daemon: RunningDaemon) { self.daemon = daemon }

    func start() {
        Thread.detachNewThread { [self] in
            var index = 0
            while !state.withLock({ $0.stop }) {
                index += 1
                let reply = try? daemon.simulate(reader: index % 3 == 0 ? "gate-out" : "gate-in", "uid", index % 2 == 0 ? DaemonFixture.anna : DaemonFixture.carla)
                let id = reply?.reply?.string("event_id")
                state.withLock { state in
                    state.attempts += 1
                    if let id { state.answered.append(id) }
                }
            }
            done.signal()
        }
    }

    /// Stops presenting; waits for the presentation under way.
    func finish() {
        state.withLock { $0.stop = true }
        done.wait()
    }

    var answered: [String] { state.withLock { $0.answered } }
    var attempts: Int { state.withLock { $0.attempts } }
}
