import Foundation
import GatehouseCore
import GatehouseStore
import GatehouseTesting
import Testing

@Suite("The outbox as the publisher sees it, and the command replay memory")
struct OutboxTests {
    static let time = Timestamp(rfc3339: "2026-11-23T10:00:00Z")!

    /// A database in a temporary directory with `count` events stored; keep the directory
    /// bound for as long as the test runs.
    static func outbox(events count: Int) throws -> (Outbox, EventLog, TemporaryDirectory) {
        let directory = TemporaryDirectory("gatehouse-outbox")
        let database = try GatehouseDatabase(path: directory.file("g.sqlite"))
        let log = EventLog(database: database, site: "acme", device: "gate-01")
        let events = (0..<count).map { _ in
            PendingEvent(id: EventID.make(at: time), type: .accessDenied, time: time, subject: "gate", data: JSONObject([("reason", .string("no_grant"))]))
        }
        if !events.isEmpty { try log.commit(events) }
        return (Outbox(database: database), log, directory)
    }

    @Test("unpublished events by seq range; marked ones no longer count; nextSeq follows the log")
    func lanes() throws {
        let (outbox, log, directory) = try Self.outbox(events: 10)
        #expect(try outbox.unpublished(after: 2, before: 6, limit: 100).map(\.seq) == [3, 4, 5])
        #expect(try outbox.unpublished(after: 0, before: nil, limit: 4).map(\.seq) == [1, 2, 3, 4])
        try outbox.markPublished([1, 3, 5], at: Self.time)
        #expect(try outbox.unpublished(after: 0, before: nil, limit: 100).map(\.seq) == [2, 4, 6, 7, 8, 9, 10])
        #expect(try outbox.unpublishedCount() == 7)
        #expect(try outbox.nextSeq() == 11)
        let stored = try log.events(after: 0)
        #expect(stored.filter { $0.publishedAt != nil }.map(\.seq) == [1, 3, 5])
        #expect(try outbox.unpublished(after: 0, before: nil, limit: 1).first?.payload == stored[1].payload)
        withExtendedLifetime(directory) {}
    }

    @Test("pruning takes published events older than the cutoff only; seq never goes back")
    func prune() throws {
        let (outbox, log, directory) = try Self.outbox(events: 6)
        try outbox.markPublished([1, 2], at: Self.time.adding(seconds: -7200))
        try outbox.markPublished([3], at: Self.time)
        #expect(try outbox.prune(publishedBefore: Self.time.adding(seconds: -3600)) == 2)
        #expect(try log.events(after: 0).map(\.seq) == [3, 4, 5, 6])
        try log.commit([PendingEvent(id: EventID.make(at: Self.time), type: .systemStarted, time: Self.time, subject: "gate-01", data: JSONObject())])
        #expect(try log.lastSeq() == 7)
        withExtendedLifetime(directory) {}
    }

    @Test("at the maximum, published events go first, then the oldest unpublished, and the dropped range is reported")
    func maximum() throws {
        let (outbox, log, directory) = try Self.outbox(events: 10)
        try outbox.markPublished([2, 4], at: Self.time)
        #expect(try outbox.enforce(maximum: 10) == nil)
        #expect(try outbox.enforce(maximum: 8) == nil)
        #expect(try log.events(after: 0).map(\.seq) == [1, 3, 5, 6, 7, 8, 9, 10])
        #expect(try outbox.enforce(maximum: 5) == 1...5)
        #expect(try log.events(after: 0).map(\.seq) == [6, 7, 8, 9, 10])
        withExtendedLifetime(directory) {}
    }

    @Test("a jti is remembered until its time, across a reopen; an expired entry is forgotten")
    func replayMemory() throws {
        let directory = TemporaryDirectory("gatehouse-replay")
        let path = directory.file("g.sqlite")
        let until = Self.time.adding(seconds: 360)
        #expect(try CommandReplayMemory(database: GatehouseDatabase(path: path)).remember("c-1", keepUntil: until, now: Self.time))
        let memory = CommandReplayMemory(database: try GatehouseDatabase(path: path))
        #expect(try !memory.remember("c-1", keepUntil: until, now: Self.time.adding(seconds: 10)))
        #expect(try memory.remember("c-2", keepUntil: until, now: Self.time))
        #expect(try memory.remember("c-1", keepUntil: until.adding(seconds: 400), now: until.adding(seconds: 1)))
    }

    @Test("a SUN counter is taken only when it grows past the card's last, across a reopen")
    func sunCounters() throws {
        let directory = TemporaryDirectory("gatehouse-sun")
        let path = directory.file("g.sqlite")
        #expect(try SUNCounterStore(database: GatehouseDatabase(path: path)).advance(card: "fp-1", to: 5))
        let counters = SUNCounterStore(database: try GatehouseDatabase(path: path))
        #expect(try !counters.advance(card: "fp-1", to: 5), "the same counter again: a replay")
        #expect(try !counters.advance(card: "fp-1", to: 4))
        #expect(try counters.advance(card: "fp-1", to: 6))
        #expect(try counters.advance(card: "fp-2", to: 1), "another card's counters are its own")
        #expect(try !counters.advance(card: "fp-1", to: 6))
    }
}
