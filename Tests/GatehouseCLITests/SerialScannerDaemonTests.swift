import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

/// The daemon with a serial QR scanner at the gate, on a pseudo-terminal.
@Suite("Serial scanners end to end", .serialized)
struct SerialScannerDaemonTests {
    @Test("a visitor's token checks in, a code sent again and again is one presentation, a static code is looked up; unplugged, it faults and recovers")
    func scannerAtTheGate() throws {
        let directory = TemporaryDirectory("gatehouse-scanner")
        let scanner = try SerialScannerEmulator(link: directory.file("scanner"))
        let fixture = try DaemonFixture()
        let config = try String(contentsOfFile: fixture.config, encoding: .utf8)
            + "\n[readers.gate-scan]\ntype = \"serial\"\ndevice = \"\(scanner.link)\"\nbaud = 115200\ndoor = \"gate\"\ndirection = \"in\"\n"
        try config.write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let daemon = try fixture.start()
        let token = try fixture.visitorToken()
        func events() throws -> [JSONObject] { try fixture.events() }
        func decisions(_ events: [JSONObject]) -> [JSONObject] {
            withoutDoorLife(events).filter { $0.string("type")?.hasPrefix("gatehouse.access.") == true && $0.object("data")?.string("reader") == "gate-scan" }
        }

        // A scanner in continuous mode sends the code held before it five times.
        for _ in 0..<5 { scanner.scan(token) }
        #expect(try waitUntil { decisions(try events()).count == 1 })
        // The visitor walks through the gate, whose contact checks them in.
        try daemon.walkThrough(contact: "gate-contact")
        #expect(try waitUntil { try events().contains { $0.string("type") == "gatehouse.visitor.checked_in" } })
        scanner.scan("PARKING-17", terminator: "\r\n")
        #expect(try waitUntil { decisions(try events()).count == 2 })
        let decided = decisions(try events())
        #expect(decided.map { $0.object("data")?.string("reason") } == ["granted", "unknown_credential"])
        #expect(decided.first?.object("data")?.string("invite") == "inv-1")
        #expect(decided.last?.object("data")?.object("credential")?.string("format") == "code")

        scanner.unplug()
        #expect(try waitUntil { try events().contains { $0.string("type") == "gatehouse.alarm.reader_fault" } })
        try scanner.plug()
        #expect(try waitUntil { try events().filter { $0.string("type") == "gatehouse.alarm.reader_fault" }.count == 2 })
        #expect(daemon.stop() == 0)
        #expect(!daemon.log.contains(token), "raw tokens never reach the log")
    }
}
