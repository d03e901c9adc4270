import Foundation
import GatehouseCore
@testable import GatehouseDaemon
import GatehouseGPIO
import GatehouseNFC
import GatehouseStore
import GatehouseTesting
import Logging
import Testing

@Suite("A reader's thread on the simulated badge reader")
struct ReaderLoopTests {
    @Test("a held card repeats every repeat_after_s; a reader that fails raises one fault and recovers; stop ends the thread")
    func repeatFaultRecovery() async throws {
        let fixture = try DaemonFixture()
        let (config, inviteKeys) = try ConfigFile.loadForDaemon(fixture.config)
        let database = try GatehouseDatabase(path: config.database)
        let log = EventLog(database: database, site: config.site, device: config.device)
        let logger = Logger(label: "test")
        let outputs = SimulatedGPIO(config: config, logger: logger)
        let controller = try AccessController(
            config: config, inviteKeys: inviteKeys, database: database, eventLog: log, outputs: outputs, software: "test", logger: logger)
        var reader = try #require(config.reader("gate-in"))
        reader.repeatAfterSeconds = 1
        let twin = SimulatedBadgeReader(connection: "simulated:gate-in")
        let loop = ReaderLoop(
            reader: reader, port: twin, style: .badges(pollMilliseconds: 10), controller: controller, eventLog: log, events: EventFactory(site: "acme", device: "gate-01"),
            logger: logger, now: WallClock.now)
        controller.start()
        loop.start()

        func events(_ type: String) throws -> [StoredEvent] { try log.events(after: 0).filter { $0.type == type } }

        twin.card = [0x04, 0xA2, 0xB3, 0xC4, 0xD5, 0xE6, 0xF7]
        #expect(try waitUntil { try events("gatehouse.access.granted").count == 2 }, "held for over a second: counted again")
        twin.card = nil
        #expect(outputs.pulses.count == 2)

        twin.failing = true
        #expect(try waitUntil { try events("gatehouse.alarm.reader_fault").count == 1 })
        let polls = twin.polls
        twin.failing = false
        #expect(try waitUntil { try events("gatehouse.alarm.reader_fault").count == 2 && twin.polls > polls })
        let states = try events("gatehouse.alarm.reader_fault").map { event in
            guard case .object(let cloud)? = try? JSONReader.parse(event.payload) else { return "" }
            return cloud.object("data")?.string("state") ?? ""
        }
        #expect(states == ["fault", "recovered"])

        await loop.stop()
        #expect(throws: ReaderFault.self, "the thread closed the reader as it stopped") { try twin.poll() }
        await controller.stop()
    }
}
