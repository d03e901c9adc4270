import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseDaemon
import GatehouseStore
import GatehouseTesting
import Synchronization

/// The store under a snapshot of a million credentials, each figure against a baseline measured
/// in the same run: the apply against SQLite's C API inserting the same rows, lookups against a
/// prepared SELECT on the same file, and decisions through the control socket while a snapshot
/// applies against the same daemon idle. Also the disk the swap takes.
struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "store", abstract: "Apply, lookups and decisions during an apply, each against a same-run baseline.")

    @Option(help: "People in the snapshot, each with a grant and ten badges.") var people = 100_000
    @Option(help: "Lookups and engine decisions to time.") var lookups = 200_000
    @Option(help: "Presentations through the control socket with the daemon idle.") var idle = 3_000
    @Option(help: "The release gatehouse binary.") var gatehouse: String

    func run() async throws {
        let directory = TemporaryDirectory("gatehouse-bench")
        let configPath = try SiteInitializer(site: "bench", device: "gate-01").write(to: directory.path)[0]
        let config = try ConfigFile.load(configPath)
        let state = (config.database as NSString).deletingLastPathComponent
        print("building two snapshots of \(people) people, \(people * 10) credentials, \(people) grants...")
        let v1 = try await DecisionBench.buildBundle(in: directory, people: people, version: 1)
        let v2 = try await DecisionBench.buildBundle(in: directory, people: people, version: 2)
        let records = people * 12 + 3

        // The raw limit: the same rows through SQLite's C API, one transaction, indexes after.
        let rawStart = ContinuousClock.now
        try RawSQLite.insertBaseline(path: directory.file("raw.sqlite"), people: people)
        let raw = Self.seconds(ContinuousClock.now - rawStart)
        // The whole apply, in the CLI with no daemon, under /usr/bin/time for its peak memory.
        let output = try Subprocess.run("/usr/bin/time", ["-f", "gatehouse-bench %e %M", gatehouse, "bundle", "apply", v1, "--config", configPath])
        guard output.status == 0, let figures = output.standardError.split(separator: "\n").last(where: { $0.hasPrefix("gatehouse-bench ") })?.split(separator: " "),
            figures.count == 3, let apply = Double(figures[1]), let kibibytes = Double(figures[2])
        else { throw ValidationError("apply failed: \(output.standardError)") }
        print(String(format: "raw insert (C API, one transaction, indexes after): %.2f s, %.0f records/s", raw, Double(records) / raw))
        print(String(format: "apply (whole process: start, verify, load, indexes, quick_check, sync, swap): %.2f s, %.0f records/s; raw/apply %.2f (target at least 0.5); peak resident memory %.1f MB (target at most 100)", apply, Double(records) / apply, raw / apply, kibibytes / 1024))

        let database = try GatehouseDatabase(path: config.database)
        guard let policyPath = try database.currentPolicyPath() else { throw ValidationError("no policy file after the apply") }
        let policyBytes = Self.allocated(policyPath)
        print(String(format: "disk after the first apply: policy file %.1f MB (%.0f bytes a record), state directory %.1f MB", Double(policyBytes) / 1e6, Double(policyBytes) / Double(records), Double(Self.allocated(directory: state)) / 1e6))

        try lookupsAndDecisions(config: config, configPath: configPath, database: database, policyPath: policyPath)
        try decisionsDuringApply(configPath: configPath, directory: directory, state: state, bundle: v2)
    }

    /// The store's lookup and the raw one, interleaved so that both meet the same machine
    /// speed; then the engine's whole decision.
    private func lookupsAndDecisions(config: GatehouseConfig, configPath: String, database: GatehouseDatabase, policyPath: String) throws {
        let reader = try PolicyReader(database)
        let raw = try RawSQLite.Lookup(path: policyPath)
        var generator = SystemRandomNumberGenerator()
        var store: [Duration] = [], baseline: [Duration] = [], decisions: [Duration] = []
        for _ in ["cold", "warm"] {
            store.removeAll(keepingCapacity: true)
            baseline.removeAll(keepingCapacity: true)
            // Each looks up a badge of its own, and they take turns at going first, so that
            // neither finds the pages the other has just read.
            for round in 0..<lookups {
                let ours = DecisionBench.uid(round, people: people, using: &generator)
                let theirs = DecisionBench.uid(round, people: people, using: &generator)
                func timeStore() throws {
                    let began = ContinuousClock.now
                    _ = try reader.credential(format: .uid, value: ours)
                    store.append(ContinuousClock.now - began)
                }
                func timeRaw() {
                    let began = ContinuousClock.now
                    _ = raw.find(theirs)
                    baseline.append(ContinuousClock.now - began)
                }
                if round % 2 == 0 { try timeStore(); timeRaw() } else { timeRaw(); try timeStore() }
            }
            let probe = DecisionBench.uid(1, people: people, using: &generator)
            guard try (reader.credential(format: .uid, value: probe) != nil) == raw.find(probe) else { throw ValidationError("the store and SQLite disagree on \(probe)") }
        }
        let inviteKeys = try ConfigFile.trust(config, .invite, configPath: configPath)
        let engine = PolicyEngine(site: config.site, settings: config.policy, inviteKeys: inviteKeys, timeZones: TimeZoneCatalog())
        guard let door = config.door("gate") else { throw ValidationError("the template has no gate door") }
        let state = RuntimeState()
        for round in 0..<lookups {
            let presentation = Presentation.credential(format: .uid, value: DecisionBench.uid(round, people: people, using: &generator))
            let request = AccessRequest(reader: "gate-in", door: door, direction: .in, presentation: presentation, time: WallClock.now())
            let began = ContinuousClock.now
            _ = try reader.read { view in try engine.decide(request, in: view, state: state) }
            decisions.append(ContinuousClock.now - began)
        }
        let ours = Latencies(store), theirs = Latencies(baseline), decided = Latencies(decisions)
        print(String(format: "lookup, warm pass of %d: store p50 %.1f µs, p99 %.1f µs; raw prepared SELECT p50 %.1f µs, p99 %.1f µs; store/raw p99 %.2f (target at most 1.5)", lookups, ours.microseconds(0.5), ours.microseconds(0.99), theirs.microseconds(0.5), theirs.microseconds(0.99), ours.microseconds(0.99) / theirs.microseconds(0.99)))
        print(String(format: "engine decision: p50 %.1f µs, p99 %.1f µs; decision p99 / raw lookup p99 %.2f (target at most 10)", decided.microseconds(0.5), decided.microseconds(0.99), decided.microseconds(0.99) / theirs.microseconds(0.99)))
    }

    /// Presentations through the control socket, first idle, then while `gatehouse bundle apply`
    /// hands the daemon a snapshot as large as the one in force; the disk sampled meanwhile.
    private func decisionsDuringApply(configPath: String, directory: TemporaryDirectory, state: String, bundle: String) throws {
        let daemon = try RunningDaemon(config: configPath, logFile: directory.file("daemon.log"), executable: gatehouse)
        defer { daemon.stop() }
        var generator = SystemRandomNumberGenerator()
        func present(_ round: Int) throws -> Duration {
            let began = ContinuousClock.now
            let reply = try ControlClient.present(reader: "gate-in", format: "uid", value: DecisionBench.uid(round, people: people, using: &generator), socket: daemon.socket)
            let took = ContinuousClock.now - began
            guard reply["decision"] != nil else { throw ValidationError("no decision: \(JSONValue.object(reply).serialized)") }
            return took
        }
        for round in 0..<200 { _ = try present(round) }
        let quiet = try (0..<idle).map { try present($0) }

        let peak = Atomic<Int64>(0), statePeak = Atomic<Int64>(0)
        let sampling = Atomic<Bool>(true)
        let sampler = Thread {
            while sampling.load(ordering: .relaxed) {
                let used = Self.allocated(directory: state, policy: true), other = Self.allocated(directory: state, policy: false)
                if used > peak.load(ordering: .relaxed) { peak.store(used, ordering: .relaxed) }
                if other > statePeak.load(ordering: .relaxed) { statePeak.store(other, ordering: .relaxed) }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        let before = Self.allocated(directory: state, policy: true), stateBefore = Self.allocated(directory: state, policy: false)
        sampler.start()
        let apply = Process()
        apply.executableURL = URL(fileURLWithPath: gatehouse)
        apply.arguments = ["bundle", "apply", bundle, "--config", configPath]
        apply.standardOutput = FileHandle.nullDevice
        apply.standardError = FileHandle.nullDevice
        let started = ContinuousClock.now
        try apply.run()
        var busy: [Duration] = []
        var slow: [String] = []
        var round = 0
        while apply.isRunning {
            let took = try present(round)
            busy.append(took)
            if took > .milliseconds(50) { slow.append(String(format: "%.0f ms at %.1f s", Self.seconds(took) * 1000, Self.seconds(ContinuousClock.now - started))) }
            round += 1
        }
        apply.waitUntilExit()
        let applySeconds = Self.seconds(ContinuousClock.now - started)
        sampling.store(false, ordering: .relaxed)
        guard apply.terminationStatus == 0 else { throw ValidationError("the apply through the daemon failed: \(apply.terminationStatus)") }
        Thread.sleep(forTimeInterval: 0.5)
        let after = Self.allocated(directory: state, policy: true), stateAfter = Self.allocated(directory: state, policy: false)

        let calm = Latencies(quiet), during = Latencies(busy)
        print(String(format: "control socket, idle: %d presentations, p50 %.2f ms, p99 %.2f ms, max %.2f ms", quiet.count, calm.microseconds(0.5) / 1000, calm.microseconds(0.99) / 1000, calm.microseconds(1) / 1000))
        print(String(format: "control socket, during a %.1f s apply through the daemon: %d presentations, p50 %.2f ms, p99 %.2f ms, max %.2f ms; p99 during/idle %.2f (target at most 2), over 50 ms: %d (target 0)", applySeconds, busy.count, during.microseconds(0.5) / 1000, during.microseconds(0.99) / 1000, during.microseconds(1) / 1000, during.microseconds(0.99) / calm.microseconds(0.99), busy.filter { $0 > .milliseconds(50) }.count))
        if !slow.isEmpty { print("over 50 ms: \(slow.joined(separator: ", ")) into the apply") }
        print(String(format: "disk of the policy files: before %.1f MB, peak during the swap %.1f MB (%.2f times), after %.1f MB", Double(before) / 1e6, Double(peak.load(ordering: .relaxed)) / 1e6, Double(peak.load(ordering: .relaxed)) / Double(before), Double(after) / 1e6))
        print(String(format: "disk of the state database (events of %d presentations meanwhile): before %.1f MB, peak %.1f MB, after %.1f MB", busy.count, Double(stateBefore) / 1e6, Double(statePeak.load(ordering: .relaxed)) / 1e6, Double(stateAfter) / 1e6))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Bytes allocated on disk for a file.
    static func allocated(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_blocks) * 512 : 0
    }

    /// Bytes allocated on disk for the files of a directory: all, or only the policy files, or
    /// only the others.
    static func allocated(directory: String, policy: Bool? = nil) -> Int64 {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { name in policy.map { $0 == name.contains(".policy-") } ?? true }
            .reduce(0) { $0 + allocated(directory + "/" + $1) }
    }
}
