import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseGzip
import GatehouseStore
import GatehouseTesting
import Testing

@Suite("Building bundles")
struct BundleBuilderTests {
    let directory = TemporaryDirectory("gatehouse-build")
    let keys = TestKeys()

    @Test("a gzip bundle built from CSV and JSON Lines applies on a device")
    func buildsAndApplies() async throws {
        let people = directory.write("people.csv", "id,kind\np-1,employee\np-2,visitor\n")
        let badges = directory.write("badges.csv", "uid,person\n04a1b2c3,p-1\n")
        let zones = directory.write("zones.jsonl", Records.zone("site") + "\n\n" + Records.grant("g-1", person: "p-1", zones: ["site"]) + "\n")
        let output = directory.file("out.bundle")
        let request = BundleBuildRequest(site: "acme", version: 3, gzip: true, inputs: [people, badges, zones])
        let result = try await BundleBuilder(request: request, key: keys.key).build(to: output, issuedAt: Timestamp(millisecondsSinceEpoch: 0))
        #expect(result.records == 5)

        let database = try GatehouseDatabase(path: directory.file("device.sqlite"))
        let applier = BundleApplier(database: database, trust: keys.trust, site: "acme", device: "d", now: { Timestamp(millisecondsSinceEpoch: 0) })
        guard case .applied(let manifest) = try applier.apply(.file(output)) else {
            Issue.record("not applied")
            return
        }
        #expect(manifest.encoding == .ndjsonGzip && manifest.records == 5 && manifest.sha256 == result.sha256)
        #expect(try PolicyReader(database).credential(format: .uid, value: "04A1B2C3")?.person == "p-1")
    }

    @Test("refuses duplicates with both files and lines, and writes nothing: one badge for two people, one person id twice, one id in two files")
    func refusesDuplicates() async throws {
        let people = directory.write("people.csv", "id,kind\nemp-1,employee\nctr-2,contractor\nemp-1,visitor\n")
        let badges = directory.write("badges.csv", "uid,person\n04:10:20:30:40:50:60,emp-1\n04-10-20-30-40-50-60,ctr-2\n")
        let more = directory.write("more.jsonl", Records.badge("b1", person: "emp-1", uid: "0A0B0C0D") + "\n" + Records.badge("b2", person: "ctr-2", uid: "0A0B0C0D") + "\n")
        let output = directory.file("dup.bundle")
        do {
            _ = try await BundleBuilder(request: BundleBuildRequest(site: "acme", version: 1, inputs: [people, badges, more]), key: keys.key)
                .build(to: output, issuedAt: Timestamp(millisecondsSinceEpoch: 0))
            Issue.record("built a bundle with duplicates")
        } catch {
            #expect(error.code == .input)
            #expect(error.message.contains("\(people):4: person \"emp-1\" again, first at \(people):2"), "\(error.message)")
            #expect(error.message.contains("\(badges):3: the same uid as \(badges):2 (credential \"badge-"), "\(error.message)")
            #expect(error.message.contains("of person \"emp-1\"), here credential") && error.message.contains("of person \"ctr-2\""))
            #expect(error.message.contains("\(more):2: the same uid as \(more):1 (credential \"b1\" of person \"emp-1\"), here credential \"b2\" of person \"ctr-2\""))
            #expect(!error.message.contains("04102030405060") && !error.message.contains("0A0B0C0D"), "a badge's value is never printed")
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test("refuses to sign input a device would refuse, naming every bad line, and writes nothing")
    func refusesBadInput() async throws {
        let records = directory.write("records.jsonl", [Records.person("p-1"), #"{"op":"put","type":"person","id":"p-2","kind":"robot","status":"active"}"#, Records.delete("person", "p-1")].joined(separator: "\n"))
        let output = directory.file("bad.bundle")
        do {
            _ = try await BundleBuilder(request: BundleBuildRequest(site: "acme", version: 1, inputs: [records]), key: keys.key).build(to: output, issuedAt: Timestamp(millisecondsSinceEpoch: 0))
            Issue.record("built a bad bundle")
        } catch {
            #expect(error.message.contains("records.jsonl:2: field `kind`"))
            #expect(error.message.contains("records.jsonl:3: field `op`: a snapshot holds only puts"))
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test("gzip round trip, across chunk boundaries and concatenated members")
    func gzipRoundTrip() throws {
        let plain = (0..<50_000).map { UInt8(truncatingIfNeeded: $0 * 31 / 7) }
        let compressed = Gzip.compress(plain) + Gzip.compress([1, 2, 3])
        let decoder = try GzipDecoder(outputChunkSize: 1000)
        var output: [UInt8] = []
        for start in stride(from: 0, to: compressed.count, by: 333) {
            try Array(compressed[start..<min(start + 333, compressed.count)]).withUnsafeBytes { chunk in
                try decoder.push(chunk) { output.append(contentsOf: $0) }
            }
        }
        try decoder.finish()
        #expect(output == plain + [1, 2, 3])
        let truncated = try GzipDecoder()
        try Array(Gzip.compress(plain).dropLast(8)).withUnsafeBytes { chunk in try truncated.push(chunk) { _ in } }
        #expect(throws: GzipError.self) { try truncated.finish() }
    }
}
