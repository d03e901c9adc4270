import Foundation
import GatehouseCore
import GatehouseDaemon
import GatehouseStore
import GatehouseTesting
import Synchronization
import Testing

@Suite("A nearly full state directory")
struct StorageTests {
    @Test("on an 8 MB filesystem of its own: storage_low once per episode, decisions go on being stored, a snapshot that cannot fit is refused no_space")
    func storageLow() async throws {
        let disk = try SmallFilesystem(megabytes: 8)
        let fixture = try DaemonFixture(applyBundle: false)
        let text = try String(contentsOfFile: fixture.config, encoding: .utf8)
        try (text + "\n[storage]\nlow_free_mb = 3\n").write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let config = try ConfigFile.loadForDaemon(fixture.config).config
        let log = LogRecorder()
        var dependencies = DaemonDependencies.inProcess(logger: log.logger())
        dependencies.database = disk.file("gatehouse.sqlite")
        let v1 = try fixture.site.build(version: 1, lines: DaemonFixture.lines)
        let large = try fixture.site.build(version: 2, lines: DaemonFixture.lines + Records.staff(20_000), name: "large.bundle")

        try await withDaemon(config: config, dependencies: dependencies) { daemon in
            #expect(daemon.applyAndWait(v1)?["result"] == .string("applied"))
            #expect(try await daemon.waitForEvents { _ in daemon.controller.status.bundle == 1 })
            #expect(try await daemon.present(reader: "gate-in", uid: DaemonFixture.anna).decision.reason == .granted)

            let filler = try disk.fill(leaving: 2_000_000)
            #expect(try await daemon.waitForEvents { events in events.contains { $0.type == "gatehouse.alarm.storage_low" } })
            for _ in 0..<10 {
                #expect(try await daemon.present(reader: "gate-in", uid: DaemonFixture.anna).decision.reason == .granted)
            }
            let refused = daemon.applyAndWait(large)
            #expect(refused?["ok"] == .bool(false))
            if case .object(let refusal)? = refused?["refusal"] { #expect(refusal["reason"] == .string("no_space")) } else { Issue.record("not refused: \(String(describing: refused))") }
            #expect(daemon.controller.status.bundle == 1)
            let lows = try daemon.events().filter { $0.type == "gatehouse.alarm.storage_low" }
            #expect(lows.count == 1, "one alarm for the whole episode")
            let data = lows.first.flatMap { try? JSONReader.parse(Array($0.payload.utf8)) }
            if case .object(let event)? = data, case .object(let fields)? = event["data"], case .integer(let free)? = fields["free_bytes"] {
                #expect(free < 3_000_000 && fields["threshold_bytes"] == .integer(3_000_000))
            } else {
                Issue.record("no data in \(String(describing: lows.first?.payload))")
            }

            // Space back, then low again: a second episode.
            try FileManager.default.removeItem(atPath: filler)
            #expect(try await daemon.waitForEvents { _ in log.text.contains("storage no longer low") })
            try disk.fill(leaving: 2_000_000, name: "filler-2")
            #expect(try await daemon.waitForEvents { events in events.filter { $0.type == "gatehouse.alarm.storage_low" }.count == 2 })
            #expect(try await daemon.present(reader: "gate-in", uid: DaemonFixture.anna).decision.reason == .granted)
        }
    }
}
