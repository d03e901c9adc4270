import Foundation
import GatehouseCore
import GatehouseDaemon
import GatehouseStore
import GatehouseTesting
import Synchronization
import Testing

@Suite("The gate never waits for a bundle")
struct NeverWaitsTests {
    @Test("badges presented while a large snapshot is half loaded are decided on the version in force and stored; the new version takes over between two decisions")
    func decisionsDuringSnapshot() async throws {
        let fixture = try DaemonFixture()
        // Version 2: the same people, and 30,000 more (3.5 MB): Records.uid(1000) is one of them.
        let large = try fixture.site.build(version: 2, lines: DaemonFixture.lines + Records.staff(30_000, offset: 1000), name: "large.bundle")
        let config = try ConfigFile.loadForDaemon(fixture.config).config
        try await withDaemon(config: config) { daemon in
            let held = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), finished = DispatchSemaphore(value: 0)
            let first = Atomic<Bool>(true)
            let reply = Mutex<JSONObject?>(nil)
            // The apply stops at its first progress report, a mebibyte into the body: its
            // snapshot's write transaction is open and its file half written.
            let submitted = daemon.submitBundle(
                large,
                progress: { _ in
                    if first.exchange(false, ordering: .relaxed) {
                        held.signal()
                        _ = release.wait(timeout: .now() + 120)
                    }
                },
                done: { answer in
                    reply.withLock { $0 = answer }
                    finished.signal()
                })
            #expect(submitted)
            #expect(held.wait(timeout: .now() + 60) == .success, "the apply never reported progress")

            let before = try daemon.events().count
            for _ in 0..<20 {
                #expect(try await daemon.present(reader: "gate-in", uid: DaemonFixture.anna).decision.reason == .granted)
            }
            #expect(try await daemon.present(reader: "gate-in", uid: Records.uid(1000)).decision.reason == .unknownCredential, "version 1 is in force")
            // Every decision's event is stored while the apply is still held.
            #expect(try daemon.events().filter { $0.type.hasPrefix("gatehouse.access.") }.count >= 21)
            #expect(try daemon.events().count > before)
            #expect(daemon.controller.status.bundle == 1)
            #expect(reply.withLock { $0 } == nil, "the apply is still under way")

            release.signal()
            #expect(finished.wait(timeout: .now() + 120) == .success)
            #expect(reply.withLock { $0 }?["result"] == .string("applied"))
            #expect(try await daemon.waitForEvents { _ in daemon.controller.status.bundle == 2 })
            #expect(try await daemon.present(reader: "gate-in", uid: Records.uid(1000)).decision.reason != .unknownCredential, "version 2 is in force")
            let applied = try daemon.events().filter { $0.type == "gatehouse.system.bundle_applied" }
            #expect(applied.count == 2 && applied.last?.payload.contains(#""origin":"local""#) == true)
        }
        // The file of version 1 went with the swap: one policy file is left.
        let files = try FileManager.default.contentsOfDirectory(atPath: fixture.site.directory.file("site/state"))
        #expect(files.filter { $0.contains(".policy-") && $0.hasSuffix(".sqlite") }.count == 1, "\(files)")
    }
}
