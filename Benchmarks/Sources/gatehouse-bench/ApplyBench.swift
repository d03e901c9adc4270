import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStore
import GatehouseTesting

/// Applying a large snapshot, and credential lookups in it.
struct ApplyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "apply", abstract: "Apply a large snapshot with the CLI, then time credential lookups.")

    @Option(help: "Records in the snapshot (half people, half badges).") var records = 1_000_000
    @Option(help: "Credential lookups to time.") var lookups = 200_000
    @Option(help: "The release gatehouse binary that applies the bundle.") var gatehouse: String

    func run() async throws {
        let directory = TemporaryDirectory("gatehouse-bench")
        let site = try SiteInitializer(site: "bench", device: "gate-01").write(to: directory.path)[0]
        let key = try SigningKey(contentsOf: directory.file("keys/private/bundle.jwk"))

        print("building a \(records)-record snapshot...")
        let people = records / 2
        let input = directory.file("staff.jsonl")
        FileManager.default.createFile(atPath: input, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: input))
        for start in stride(from: 0, to: people, by: 10_000) {
            let lines = Records.staff(min(10_000, people - start), offset: start).joined(separator: "\n") + "\n"
            try handle.write(contentsOf: Data(lines.utf8))
        }
        try handle.close()
        let bundle = directory.file("snapshot.bundle")
        let built = try await BundleBuilder(request: BundleBuildRequest(site: "bench", version: 1, inputs: [input]), key: key)
            .build(to: bundle, issuedAt: Timestamp(millisecondsSinceEpoch: 0))
        print("bundle: \(built.records) records, \(built.bodyBytes / 1_000_000) MB")

        // The apply runs in the real CLI, in a child process under /usr/bin/time, so that its peak
        // memory is its own (a posix_spawn child counts its parent's pages until it execs).
        let output = try Subprocess.run("/usr/bin/time", ["-f", "gatehouse-bench %e %M", gatehouse, "bundle", "apply", bundle, "--config", site])
        guard output.status == 0, let figures = output.standardError.split(separator: "\n").last(where: { $0.hasPrefix("gatehouse-bench ") })?.split(separator: " "),
            figures.count == 3, let seconds = Double(figures[1]), let kibibytes = Double(figures[2])
        else { throw ValidationError("apply failed: \(output.standardError)") }
        print(String(format: "apply (whole process: start, open, apply, commit, checkpoint): %.2f s, %.0f records/s, peak resident memory %.1f MB", seconds, Double(built.records) / seconds, kibibytes / 1024))

        let database = try GatehouseDatabase(path: directory.file("state/gatehouse.sqlite"))
        let reader = try PolicyReader(database)
        // Two passes: the first meets a cold cache (pages faulted in from the file), the second
        // the warm one a gate box has after running a while.
        for pass in ["cold", "warm"] {
            var generator = SystemRandomNumberGenerator()
            var durations: [Duration] = []
            durations.reserveCapacity(lookups)
            var found = 0
            for round in 0..<lookups {
                // One in ten lookups is of a badge the cache does not hold, as at a real gate.
                let index = Int.random(in: 0..<people, using: &generator)
                let uid = round % 10 == 0 ? "FF" + Records.uid(index).dropFirst(2) : Records.uid(index)
                let start = ContinuousClock.now
                let credential = try reader.credential(format: .uid, value: uid)
                durations.append(ContinuousClock.now - start)
                if credential != nil { found += 1 }
            }
            let latency = Latencies(durations)
            print(String(format: "lookup (%@): %d lookups (%d found), p50 %.1f µs, p99 %.1f µs, p99.9 %.1f µs", pass, lookups, found, latency.microseconds(0.5), latency.microseconds(0.99), latency.microseconds(0.999)))
        }
    }
}
