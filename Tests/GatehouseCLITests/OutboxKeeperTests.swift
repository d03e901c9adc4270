import Foundation
import GatehouseCore
@testable import GatehouseDaemon
import GatehouseStore
import GatehouseTesting
import Logging
import Testing

@Suite("Outbox upkeep: the high-water alarm, the maximum and retention")
struct OutboxKeeperTests {
    @Test("one outbox_high alarm at the high-water mark, another naming the dropped events at the maximum, none below")
    func alarms() throws {
        let directory = TemporaryDirectory("gatehouse-keeper")
        let site = try CLIFixture()
        var config = try ConfigFile.load(site.config)
        config.database = directory.file("g.sqlite")
        config.outbox = GatehouseConfig.Outbox(maximumEvents: 1000, highWater: 100, retentionHours: 1)
        let database = try GatehouseDatabase(path: config.database)
        let log = EventLog(database: database, site: config.site, device: config.device)
        let now = WallClock.now()
        let keeper = OutboxKeeper(database: database, eventLog: log, config: config, logger: Logger(label: "test"), now: { now })
        func store(_ count: Int) throws {
            try log.commit((0..<count).map { _ in
                PendingEvent(id: EventID.make(at: now), type: .accessDenied, time: now, subject: "gate", data: JSONObject())
            })
        }
        func alarms() throws -> [JSONObject] {
            try log.events(after: 0, limit: 10_000).filter { $0.type == "gatehouse.alarm.outbox_high" }.compactMap { event in
                if case .object(let object) = try JSONReader.parse(event.payload) { object.object("data") } else { nil }
            }
        }
        try store(99)
        keeper.run()
        #expect(try alarms().isEmpty)
        try store(1)
        keeper.run()
        keeper.run()
        #expect(try alarms().count == 1)
        #expect(try alarms().first?.integer("unpublished") == 100 && alarms().first?.integer("high_water") == 100)

        try store(1000)
        keeper.run()
        let dropped = try #require(try alarms().last?.object("dropped"))
        // 1101 stored, 1000 allowed: the oldest 101 went, the first alarm (seq 101) among them.
        #expect(try alarms().count == 1)
        #expect(dropped.integer("first_seq") == 1 && dropped.integer("last_seq") == 101 && dropped.integer("count") == 101)
        // What is left is the newest events, and the alarm that explains the gap.
        #expect(try log.events(after: 0, limit: 10_000).count == 1001)

        // Published long ago: pruned; the alarm re-arms once the backlog is gone.
        let outbox = Outbox(database: database)
        let all = try log.events(after: 0, limit: 10_000).map(\.seq)
        try outbox.markPublished(all, at: now.adding(seconds: -7200))
        keeper.run()
        #expect(try log.events(after: 0, limit: 10_000).isEmpty)
    }
}
