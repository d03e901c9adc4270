import Foundation
import GatehouseCore
import GatehouseStore
import GatehouseTesting
import Testing

@Suite("A snapshot that does not fit")
struct NoSpaceTests {
    @Test("is refused no_space before anything is written, on a 12 MB filesystem of its own: the cache, the files and the policy in force stay as they were")
    func refusedBeforeWriting() async throws {
        let disk = try SmallFilesystem(megabytes: 12)
        let store = try StoreFixture(path: disk.file("gatehouse.sqlite"))
        try store.apply(try await store.forge.bundle(version: 1, lines: Records.staff(100)))
        let before = try store.snapshot()
        let files = try FileManager.default.contentsOfDirectory(atPath: disk.path).sorted()

        // 40,000 badges would need about 20 MB while the swap holds both files.
        let refusal = store.refusal(try await store.forge.bundle(version: 2, lines: Records.staff(20_000)))
        #expect(refusal?.reason == .noSpace, "\(String(describing: refusal))")
        #expect(refusal?.detail.contains("MB free; the cache is unchanged") == true, "\(String(describing: refusal))")
        #expect(try store.snapshot() == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk.path).sorted() == files, "no file was written")
        #expect(try store.eventTypes().last == "gatehouse.system.bundle_rejected")
        #expect(try PolicyReader(store.database).credential(format: .uid, value: Records.uid(0))?.person == "p-0")

        // Decisions' events are still stored, and a snapshot that fits still applies.
        try EventLog(database: store.database, site: "acme", device: "gate-01").commit([
            PendingEvent(id: EventID.make(at: Timestamp(millisecondsSinceEpoch: 1)), type: .accessGranted, time: Timestamp(millisecondsSinceEpoch: 1), subject: "gate", data: JSONObject())
        ])
        guard case .applied(let manifest) = try store.apply(try await store.forge.bundle(version: 3, lines: Records.staff(200))) else {
            Issue.record("a snapshot that fits was not applied")
            return
        }
        #expect(manifest.version == 3)
        #expect(try store.database.appliedBundle()?.version == 3)
    }
}
