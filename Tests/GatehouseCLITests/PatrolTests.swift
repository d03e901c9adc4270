import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

/// Guard tours through the running daemon, on the wall clock: route `tour` wants checkpoint
/// `north` every 3 s with 1 s of grace, route `fast` every 2 s. Which round is on time and which
/// is late is the core's tests' business, with their own clock; here a user's view: visits,
/// refusals, missed rounds while the broker is away and across a restart, and `gatehouse patrol`.
@Suite("Guard tours end to end")
struct PatrolTests {
    static let gus = "06060606"
    static let lines = [
        Records.person("gus", roles: ["guard"]), Records.badge("c-gus", person: "gus", uid: gus),
        #"{"op":"put","type":"checkpoint","id":"north","name":"North fence"}"#,
        #"{"op":"put","type":"checkpoint","id":"south","name":"South gate (another device's)"}"#,
        #"{"op":"put","type":"route","id":"tour","checkpoints":["north","south"],"every_s":3,"grace_s":1}"#,
        #"{"op":"put","type":"route","id":"fast","checkpoints":["north"],"every_s":2,"grace_s":1}"#,
    ]

    @Test("a guard's visit, a non-guard refused, rounds missed while the broker is away and across a restart, a route removed, gatehouse patrol")
    func tours() throws {
        // A broker that is not there: every event waits in the outbox.
        let fixture = try DaemonFixture(mqtt: "mqtt://127.0.0.1:\(try MosquittoBroker.freePort())", extraLines: Self.lines)
        let text = try String(contentsOfFile: fixture.config, encoding: .utf8)
        try (text + "\n[readers.north]\ntype = \"simulated\"\ncheckpoint = \"north\"\nfeedback = \"gate-buzzer\"\n")
            .write(toFile: fixture.config, atomically: true, encoding: .utf8)
        var daemon = try fixture.start()

        let visit = try daemon.simulate(reader: "north", "uid", Self.gus)
        #expect(visit.status == 0 && visit.reply?.string("person") == "gus")
        let visited = try #require(try fixture.wait(.patrolVisited).first?.object("data"))
        #expect(visited.string("guard") == "gus" && visited.string("checkpoint") == "north" && visited.string("reader") == "north")
        #expect(visited["routes"] == .array([.string("fast"), .string("tour")]))
        #expect(daemon.log.contains("patrol checkpoint visited") && daemon.log.contains("gpio.output=gate-buzzer"), "the reader's feedback")

        let anna = try daemon.simulate(reader: "north", "uid", DaemonFixture.anna)
        #expect(anna.status == 1 && anna.reply?.string("reason") == "not_a_guard")
        #expect(daemon.log.contains("access.reason=not_a_guard"))

        // Nobody comes: each route misses its rounds, one event per round.
        try fixture.wait(for: 2, .patrolMissed)
        #expect(daemon.stop() == 0)
        let before = try fixture.events().filter { $0.string("type") == EventType.patrolMissed.rawValue }.count
        daemon = try fixture.start()
        try fixture.wait(for: before + 2, .patrolMissed)
        let missed = try fixture.events().filter { $0.string("type") == EventType.patrolMissed.rawValue }.compactMap { $0.object("data") }
        let rounds = missed.map { "\($0.string("route") ?? "") \($0.string("started_at") ?? "")" }
        #expect(Set(rounds).count == rounds.count, "each round is missed once, across the restart: \(rounds)")
        let status = try fixture.site.status()
        #expect(status["outbox_depth"] as? Int == status["outbox_total"] as? Int, "everything waits for the broker")

        // gatehouse patrol: the rounds of the checkpoint, who visited, and what is due next.
        let table = try fixture.site.run(["patrol", "--config", fixture.config, "--limit", "100"])
        #expect(table.status == 0, "\(table.standardError)")
        #expect(table.standardOutput.contains("checkpoint north") && table.standardOutput.contains("route tour, every 3 s: next due"))
        #expect(table.standardOutput.contains("missed") && table.standardOutput.contains("gus at"))

        // A new bundle takes route fast away: it is no longer followed, and nothing is missed for it.
        let delta = try fixture.site.build(version: 2, lines: [Records.delete("route", "fast")], arguments: ["--kind", "delta", "--base", "1"])
        #expect(try fixture.site.run(["bundle", "apply", delta, "--config", fixture.config]).status == 0)
        #expect(waitUntil { daemon.log.contains("patrol route no longer followed here") && daemon.log.contains("patrol.route=fast") })
        #expect(try !fixture.site.run(["patrol", "--config", fixture.config, "--json"]).standardOutput.contains(#""route":"fast","every_s""#))
        let fastMissed = try fixture.events().filter { $0.object("data")?.string("route") == "fast" }.count
        try fixture.wait(for: missed.count + 2, .patrolMissed)
        #expect(try fixture.events().filter { $0.object("data")?.string("route") == "fast" }.count == fastMissed)
        #expect(daemon.stop() == 0)

        #expect(try fixture.site.run(["patrol", "--config", fixture.config, "--limit", "0"]).status == 1)
    }
}
