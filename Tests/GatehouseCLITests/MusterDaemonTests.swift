import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

/// Mustering end to end: two devices of one site on a real broker, the second with a muster
/// point at the assembly area. An evacuation drill on both; Anna, inside at the first device,
/// musters at the second; the first device counts her, gives the all clear, survives a restart
/// in the middle, and reports the drill.
@Suite("Mustering across two devices of a site", .serialized)
struct MusterDaemonTests {
    @Test("a person who mustered at the other device is accounted for on both; the drill ends in an all clear and a report")
    func twoDevices() throws {
        let broker = try MosquittoBroker()
        let url = "mqtt://127.0.0.1:\(broker.port)"
        let gate = try DaemonFixture(mqtt: url, device: "gate-01")
        let yard = try DaemonFixture(mqtt: url, device: "gate-02")
        try "\n[readers.assembly]\ntype = \"simulated\"\nrole = \"muster\"\n".appendLine(toFile: yard.config)
        var gateDaemon = try gate.start()
        let yardDaemon = try yard.start()
        #expect(waitUntil { (try? gate.site.status()["link"] as? [String: Any])??["state"] as? String == "connected" })
        #expect(waitUntil { (try? yard.site.status()["link"] as? [String: Any])??["state"] as? String == "connected" })

        // Anna goes in at the first device's gate.
        #expect(try gateDaemon.simulate(reader: "gate-in", "uid", DaemonFixture.anna).status == 0)
        try gateDaemon.walkThrough(contact: "gate-contact")
        // Outside an evacuation the muster point refuses.
        let early = try yardDaemon.simulate(reader: "assembly", "uid", DaemonFixture.anna)
        #expect(early.status == 1 && early.reply?.string("reason") == "not_evacuating")

        // A drill on both devices.
        for fixture in [gate, yard] {
            let drill = try fixture.site.run(["mode", "evacuation", "--drill", "--config", fixture.config])
            #expect(drill.status == 0, "\(drill.standardError)")
        }
        let before = try gate.site.run(["muster", "--config", gate.config])
        #expect(before.standardOutput.contains("1 unaccounted") && before.standardOutput.contains("missing anna"), "\(before.standardOutput)")

        // A restart of the first device in the middle keeps its roll call.
        #expect(gateDaemon.stop() == 0)
        gateDaemon = try gate.start()
        #expect(waitUntil { (try? gate.site.status()["link"] as? [String: Any])??["state"] as? String == "connected" })
        #expect(try gate.site.run(["muster", "--config", gate.config]).standardOutput.contains("missing anna"))

        // Anna musters at the second device: both count her.
        let mustered = try yardDaemon.simulate(reader: "assembly", "uid", DaemonFixture.anna)
        #expect(mustered.status == 0 && mustered.reply?.string("decision") == "mustered")
        let yardEvents = try yard.wait(for: 1, .emergencyMustered)
        #expect(yardEvents.first?.object("data")?.bool("drill") == true)
        let clear = try gate.wait(for: 1, .emergencyAllClear)
        #expect(clear.first?.object("data")?.bool("drill") == true)
        let after = try gate.site.run(["muster", "--config", gate.config])
        #expect(after.standardOutput.contains("0 unaccounted") && !after.standardOutput.contains("missing"), "\(after.standardOutput)")

        // The drill ends: its report.
        #expect(try gate.site.run(["mode", "normal", "--config", gate.config]).status == 0)
        let report = try gate.wait(for: 1, .emergencyDrillReport)
        let zones = report.first?.object("data")?.objects("zones") ?? []
        #expect(zones.first?.string("zone") == "site" && zones.first?.integer("count_at_start") == 1 && zones.first?.integer("s_to_100") != nil)
        let table = try gate.site.run(["muster", "--report", "--config", gate.config])
        #expect(table.status == 0 && table.standardOutput.contains("site") && table.standardOutput.contains("100 %"), "\(table.standardOutput)")
        #expect(gateDaemon.stop() == 0 && yardDaemon.stop() == 0)
    }
}

extension MusterDaemonTests {
    @Test("a two-person door through the daemon: one person twice is held, a second person opens it for both")
    func twoPersonDoor() throws {
        let dora = "0D0D0D0D"
        let fixture = try DaemonFixture(extraLines: [
            #"{"op":"put","type":"zone","id":"vault","level":"high_security","anti_passback":"none","requires":{"two_person":{"within_s":30}}}"#,
            Records.person("dora"), Records.badge("c-dora", person: "dora", uid: dora),
            Records.grant("g-vault", person: "anna", zones: ["vault"]), Records.grant("g-dora", person: "dora", zones: ["vault"]),
        ])
        try "\n[outputs.vault-relay]\nline = 31\n\n[doors.vault]\nzone = \"vault\"\nrelay = \"vault-relay\"\n\n[readers.vault-in]\ntype = \"simulated\"\ndoor = \"vault\"\n".appendLine(toFile: fixture.config)
        let daemon = try fixture.start()
        let first = try daemon.simulate(reader: "vault-in", "uid", DaemonFixture.anna)
        #expect(first.status == 3 && first.reply?.string("decision") == "companion_wanted")
        let again = try daemon.simulate(reader: "vault-in", "uid", DaemonFixture.anna)
        #expect(again.status == 3, "the same person twice is still one")
        let second = try daemon.simulate(reader: "vault-in", "uid", dora)
        #expect(second.status == 0 && second.reply?.string("decision") == "granted")
        let granted = try fixture.wait(for: 2, .accessGranted).filter { $0.object("data")?.string("door") == "vault" }
        #expect(granted.map { $0.object("data")?.string("person") } == ["anna", "dora"])
        #expect(granted.map { $0.object("data")?.string("companion") } == ["dora", "anna"])
        #expect(daemon.stop() == 0)
    }
}

extension MusterDaemonTests {
    @Test("gatehouse muster --follow prints one line per change of the roll call, until it is stopped")
    func follow() throws {
        let fixture = try DaemonFixture()
        try "\n[readers.assembly]\ntype = \"simulated\"\nrole = \"muster\"\n".appendLine(toFile: fixture.config)
        let daemon = try fixture.start()
        #expect(try daemon.simulate(reader: "gate-in", "uid", DaemonFixture.anna).status == 0)
        try daemon.walkThrough(contact: "gate-contact")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: GatehouseBinary.path)
        process.arguments = ["muster", "--follow", "--config", fixture.config]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let lines = LineCollector(pipe.fileHandleForReading)
        #expect(waitUntil { lines.text.contains("no evacuation") })
        #expect(try fixture.site.run(["mode", "evacuation", "--config", fixture.config]).status == 0)
        #expect(waitUntil { lines.text.contains("1 unaccounted: site 1 missing (anna)") }, "\(lines.text)")
        #expect(try daemon.simulate(reader: "assembly", "uid", DaemonFixture.anna).status == 0)
        #expect(waitUntil { lines.text.contains("ALL CLEAR") }, "\(lines.text)")
        process.terminate()
        process.waitUntilExit()
        #expect(lines.text.split(separator: "\n").count == 3, "one line per change: \(lines.text)")
        #expect(daemon.stop() == 0)
    }
}

/// Collects what a pipe delivers, as it comes.
final class LineCollector: @unchecked Sendable {
    // `collected` is guarded by `lock`; the handler runs on the file handle's queue.
    private let lock = NSLock()
    private var collected = ""

    init(_ handle: FileHandle) {
        handle.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.lock()
            self.collected += String(decoding: data, as: UTF8.self)
            self.lock.unlock()
        }
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return collected
    }
}

extension String {
    /// Appends this text to a file.
    func appendLine(toFile path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(utf8))
    }
}
