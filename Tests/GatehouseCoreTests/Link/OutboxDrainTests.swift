import GatehouseCore
import GatehouseTesting
import Testing

/// A model of the outbox and the broker around an ``OutboxDrain``: what a publisher would do.
struct DrainHarness {
    var drain: OutboxDrain
    var unpublished: [Int64] = []
    var nextSeq: Int64 = 1
    var published: [Int64] = []
    var nextMessageID: Int32 = 1

    init(window: Int, batch: Int) { drain = OutboxDrain(window: window, batch: batch) }

    mutating func store(_ count: Int) {
        for _ in 0..<count {
            unpublished.append(nextSeq)
            nextSeq += 1
        }
        drain.stored()
    }

    /// Reads and publishes what the drain asks for; returns the seqs published, in order.
    @discardableResult
    mutating func pump() -> [Int64] {
        var sent: [Int64] = []
        while let fetch = drain.nextFetch() {
            let found = unpublished.filter { $0 > fetch.afterSeq && $0 < (fetch.beforeSeq ?? .max) }.prefix(fetch.limit)
            for seq in drain.accept(fetched: Array(found), for: fetch) {
                drain.sent(seq: seq, messageID: nextMessageID)
                nextMessageID += 1
                sent.append(seq)
            }
        }
        published += sent
        return sent
    }

    /// The broker acknowledges the oldest `count` messages in flight.
    mutating func acknowledge(_ count: Int) {
        for messageID in drain.inFlight.keys.sorted().prefix(count) {
            if let seq = drain.acknowledged(messageID: messageID) { unpublished.removeAll { $0 == seq } }
        }
    }
}

@Suite("Outbox drain: two lanes, a window, acknowledgements")
struct OutboxDrainTests {
    @Test("a backlog drains in seq order, never more than the window in flight, each event once")
    func backlogInOrder() {
        var harness = DrainHarness(window: 8, batch: 3)
        harness.store(100)
        harness.drain.connected(nextSeq: harness.nextSeq)
        while !harness.drain.isIdle {
            harness.pump()
            #expect(harness.drain.inFlight.count <= 8)
            harness.acknowledge(5)
        }
        #expect(harness.published == Array(1...100))
        #expect(harness.unpublished.isEmpty)
    }

    @Test("a live event waits behind the backlog for at most one window")
    func liveJumpsTheBacklog() {
        var harness = DrainHarness(window: 10, batch: 10)
        harness.store(1000)
        harness.drain.connected(nextSeq: harness.nextSeq)
        #expect(harness.pump() == Array(1...10))
        harness.store(1)  // seq 1001, live
        harness.acknowledge(1)
        #expect(harness.pump() == [1001])
        harness.acknowledge(10)
        #expect(harness.pump() == Array(11...20))
    }

    @Test("nothing is published while disconnected; in-flight events survive a reconnect and are not sent twice")
    func reconnect() {
        var harness = DrainHarness(window: 4, batch: 4)
        harness.store(10)
        harness.drain.connected(nextSeq: harness.nextSeq)
        #expect(harness.pump() == [1, 2, 3, 4])
        harness.drain.disconnected()
        harness.store(2)
        #expect(harness.pump().isEmpty)
        harness.drain.connected(nextSeq: harness.nextSeq)
        // 1 to 4 are still in flight (the client resends them itself): the window is full.
        #expect(harness.pump().isEmpty)
        harness.acknowledge(4)
        #expect(harness.pump() == [5, 6, 7, 8])
        harness.acknowledge(4)
        #expect(harness.pump() == [9, 10, 11, 12])
        harness.acknowledge(4)
        #expect(harness.pump().isEmpty)
        #expect(harness.drain.isIdle && harness.unpublished.isEmpty)
    }

    @Test("after a failed publish the drain pauses, and a retry rescans without losing anything")
    func publishFailure() {
        var harness = DrainHarness(window: 16, batch: 16)
        harness.store(5)
        harness.drain.connected(nextSeq: harness.nextSeq)
        harness.pump()
        harness.acknowledge(2)
        harness.drain.publishFailed()
        harness.store(3)
        #expect(harness.drain.nextFetch() == nil)
        harness.drain.retry(nextSeq: harness.nextSeq)
        #expect(harness.pump() == [6, 7, 8])
        harness.acknowledge(16)
        #expect(harness.unpublished.isEmpty)
    }

    @Test("an acknowledgement for a message that is not an event's completes nothing")
    func foreignAcknowledgement() {
        var drain = OutboxDrain(window: 2, batch: 2)
        drain.connected(nextSeq: 1)
        #expect(drain.acknowledged(messageID: 42) == nil)
    }

    @Test("seeded random runs: every stored event is published, lanes in order, window respected", arguments: 1...20)
    func randomRuns(seed: UInt64) {
        var random = SeededGenerator(state: seed)
        var harness = DrainHarness(window: Int(random.next() % 16) + 1, batch: Int(random.next() % 8) + 1)
        harness.store(Int(random.next() % 50))
        for _ in 0..<400 {
            switch random.next() % 6 {
            case 0: harness.store(Int(random.next() % 5))
            case 1: harness.drain.disconnected()
            case 2: harness.drain.connected(nextSeq: harness.nextSeq)
            default: harness.acknowledge(Int(random.next() % 4))
            }
            harness.pump()
            #expect(harness.drain.inFlight.count <= harness.drain.window)
        }
        harness.drain.connected(nextSeq: harness.nextSeq)
        for _ in 0..<10_000 where !harness.unpublished.isEmpty {
            harness.pump()
            harness.acknowledge(harness.drain.window)
        }
        #expect(harness.unpublished.isEmpty)
        #expect(Set(harness.published) == Set(1..<harness.nextSeq))
    }
}
