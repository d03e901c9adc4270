import Foundation
import GatehouseThreads
import Synchronization
import Testing

@Suite("The thread and the queue every thread of ours uses")
struct ThreadsTests {
    @Test("offer refuses when full; close lets the queued drain, then says closed; nothing is lost or reordered")
    func offerAndClose() {
        let queue = BlockingQueue<Int>(capacity: 3)
        #expect((1...3).allSatisfy(queue.offer) && !queue.offer(4))
        guard case .element(1) = queue.next(timeout: 0) else { Issue.record("the oldest first"); return }
        #expect(queue.offer(4))
        queue.close()
        #expect(!queue.offer(5), "closed: refused")
        var drained: [Int] = []
        while case .element(let value) = queue.next(timeout: 1) { drained.append(value) }
        #expect(drained == [2, 3, 4])
        guard case .closed = queue.next(timeout: 0) else { Issue.record("closed and drained"); return }
    }

    @Test("an empty queue times out; send waits for room, and is let go by a receiver that gives up")
    func sendAndCancel() async {
        let queue = BlockingQueue<Int>(capacity: 1)
        guard case .timedOut = queue.next(timeout: 0.01) else { Issue.record("nothing queued"); return }
        #expect(queue.send(1))
        let sent = Mutex<Bool?>(nil)
        // The queue is full: this sender waits for room until the receiver cancels.
        let sender = DedicatedThread(name: "test.sender") { sent.withLock { $0 = queue.send(2) } }
        queue.cancel()
        await sender.join()
        #expect(sent.withLock { $0 } == false, "the waiting sender is told to stop")
        guard case .closed = queue.next(timeout: 0) else { Issue.record("cancelled: nothing left"); return }
        #expect(!queue.offer(3))
    }

    @Test("a stop request cuts a pause short and the body ends; join and joinBlocking both return")
    func stopPath() async {
        let rounds = Atomic<Int>(0)
        let thread = DedicatedThread(name: "test.worker") { stop in
            while stop.pause(milliseconds: 60_000) { rounds.add(1, ordering: .relaxed) }
        }
        #expect(!thread.isFinished)
        await thread.stopAndJoin()
        #expect(thread.isFinished && thread.joinBlocking(timeout: 0) && rounds.load(ordering: .relaxed) == 0)
        #expect(!thread.stop.pause(milliseconds: 60_000), "once stopped, every pause returns at once")
    }

    @Test("run hands back the body's result or its error")
    func run() async throws {
        #expect(try await DedicatedThread.run(name: "test.run") { 6 * 7 } == 42)
        struct Failure: Error {}
        await #expect(throws: Failure.self) { try await DedicatedThread.run(name: "test.run") { throw Failure() } }
    }
}
