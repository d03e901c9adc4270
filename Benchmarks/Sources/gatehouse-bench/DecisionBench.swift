import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseDaemon
import GatehouseStore
import GatehouseTesting
import Synchronization

/// Decision latency with a large cache, through the engine alone and through the daemon's
/// control socket, and events committed per second.
struct DecisionBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "decisions", abstract: "Time decisions and event commits with a large cache.")

    @Option(help: "Credentials in the cache (ten per person).") var credentials = 1_000_000
    @Option(help: "Decisions to time through the engine.") var decisions = 200_000
    @Option(help: "Events to commit, one transaction each, as the daemon does.") var commits = 20_000
    @Option(help: "Presentations to time through the control socket.") var presentations = 5_000
    @Option(help: "The release gatehouse binary.") var gatehouse: String

    func run() async throws {
        let directory = TemporaryDirectory("gatehouse-bench")
        let configPath = try SiteInitializer(site: "bench", device: "gate-01").write(to: directory.path)[0]
        let people = credentials / 10
        let bundle = try await Self.buildBundle(in: directory, people: people)
        let applied = try Subprocess.run(gatehouse, ["bundle", "apply", bundle, "--config", configPath])
        guard applied.status == 0 else { throw ValidationError("apply failed: \(applied.standardError)") }
        print("cache: \(people) people, \(people * 10) credentials, \(people) grants on a schedule")

        let config = try ConfigFile.load(configPath)
        // As the daemon opens it: checkpoints on a thread of their own, not on the commits.
        let database = try GatehouseDatabase(path: config.database, checkpoints: .background)
        try engineAlone(config: config, configPath: configPath, database: database, people: people)
        try eventCommits(config: config, database: database)
        // Then the same daemon writing its metrics every second (the counters and the histogram
        // on the decision path, the gauges' reads on the metrics thread), alternating with runs
        // without, so that drift in the machine's speed falls on both alike.
        let textfiles = directory.file("textfiles")
        try FileManager.default.createDirectory(atPath: textfiles, withIntermediateDirectories: true)
        let withMetrics = directory.file("gatehouse-metrics.toml")
        try (try String(contentsOfFile: configPath, encoding: .utf8) + "\n[metrics]\ntextfile_dir = \"\(textfiles)\"\ninterval_s = 1\n")
            .write(toFile: withMetrics, atomically: true, encoding: .utf8)
        var off: [Latencies] = [], on: [Latencies] = []
        // Off, on, on, off: a drift through the four runs (a growing outbox) weighs on both alike.
        for (round, metrics) in [false, true, true, false].enumerated() {
            let latencies = try throughSocket(
                configPath: metrics ? withMetrics : configPath, directory: directory, people: people,
                label: "control socket, run \(round + 1), [metrics] \(metrics ? "on" : "off")")
            if metrics { on.append(latencies) } else { off.append(latencies) }
        }
        func mean(_ runs: [Latencies], _ quantile: Double) -> Double { runs.map { $0.microseconds(quantile) }.reduce(0, +) / Double(runs.count) }
        print(String(format: "metrics on / off (mean of 2 rounds each): p50 %.2f, p99 %.2f", mean(on, 0.5) / mean(off, 0.5), mean(on, 0.99) / mean(off, 0.99)))
    }

    /// A snapshot of `people` people, each with a grant on a schedule and ten badges.
    static func buildBundle(in directory: TemporaryDirectory, people: Int, version: Int64 = 1) async throws -> String {
        let input = directory.file("site-\(version).jsonl")
        FileManager.default.createFile(atPath: input, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: input))
        try handle.write(contentsOf: Data((Self.siteLines.joined(separator: "\n") + "\n").utf8))
        for start in stride(from: 0, to: people, by: 2_000) {
            var lines: [String] = []
            for person in start..<min(people, start + 2_000) {
                lines.append(Records.person("p-\(person)"))
                lines.append(#"{"op":"put","type":"grant","id":"g-\#(person)","person":"p-\#(person)","zones":["site","yard"],"schedule":"always"}"#)
                for badge in 0..<10 { lines.append(Records.badge("c-\(person)-\(badge)", person: "p-\(person)", uid: Records.uid(person * 10 + badge))) }
            }
            try handle.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
        }
        try handle.close()
        let key = try SigningKey(contentsOf: directory.file("keys/private/bundle.jwk"))
        let bundle = directory.file("snapshot-\(version).bundle")
        _ = try await BundleBuilder(request: BundleBuildRequest(site: "bench", version: version, inputs: [input]), key: key)
            .build(to: bundle, issuedAt: Timestamp(millisecondsSinceEpoch: 0))
        return bundle
    }

    static let siteLines = [
        #"{"op":"put","type":"zone","id":"site","level":"public","anti_passback":"none"}"#,
        #"{"op":"put","type":"zone","id":"yard","level":"public","anti_passback":"none"}"#,
        #"{"op":"put","type":"schedule","id":"always","tz":"Europe/Berlin","windows":[{"days":["mon","tue","wed","thu","fri","sat","sun"],"from":"00:00","to":"24:00"}]}"#,
    ]

    /// A badge UID to present: one in ten is unknown, as at a real gate.
    static func uid(_ round: Int, people: Int, using generator: inout some RandomNumberGenerator) -> String {
        let uid = Records.uid(Int.random(in: 0..<people * 10, using: &generator))
        return round % 10 == 0 ? "FF" + uid.dropFirst(2) : uid
    }

    /// The engine alone and the access machine around it, each deciding the same badge in
    /// turn, so that both see the same machine speed: the machine's cost over the engine's is
    /// the ratio of the two.
    private func engineAlone(config: GatehouseConfig, configPath: String, database: GatehouseDatabase, people: Int) throws {
        let inviteKeys = try ConfigFile.trust(config, .invite, configPath: configPath)
        let engine = PolicyEngine(site: config.site, settings: config.policy, inviteKeys: inviteKeys, timeZones: TimeZoneCatalog())
        var machine = AccessMachine(settings: AccessSettings(config: config, inviteKeys: inviteKeys, timeZones: TimeZoneCatalog()), state: RuntimeState())
        let reader = try PolicyReader(database)
        guard let door = config.door("gate") else { throw ValidationError("the template has no gate door") }
        let state = RuntimeState()
        var generator = SystemRandomNumberGenerator()
        var engineDurations: [Duration] = [], machineDurations: [Duration] = []
        engineDurations.reserveCapacity(decisions)
        machineDurations.reserveCapacity(decisions)
        var granted = 0
        for round in 0..<decisions {
            let presentation = Presentation.credential(format: .uid, value: Self.uid(round, people: people, using: &generator))
            let request = AccessRequest(reader: "gate-in", door: door, direction: .in, presentation: presentation, time: WallClock.now())
            let start = ContinuousClock.now
            let decision = try reader.read { view in try engine.decide(request, in: view, state: state) }
            engineDurations.append(ContinuousClock.now - start)
            if decision.granted { granted += 1 }
            // The machine's step as the access thread makes it, without the commit (timed below).
            let moment = Moment(wall: request.time, monotonic: Int64(round) * 1000)
            let started = ContinuousClock.now
            let step = try reader.read { view in machine.handle(.presented(reader: "gate-in", presentation), at: moment, policy: view) }
            machineDurations.append(ContinuousClock.now - started)
            machine.stored(step)
        }
        let engineLatency = Latencies(engineDurations), machineLatency = Latencies(machineDurations)
        print(String(format: "engine alone: %d decisions (%d granted), p50 %.1f µs, p99 %.1f µs, p99.9 %.1f µs", decisions, granted, engineLatency.microseconds(0.5), engineLatency.microseconds(0.99), engineLatency.microseconds(0.999)))
        print(String(format: "access machine: p50 %.1f µs, p99 %.1f µs, p99.9 %.1f µs; machine/engine p50 %.2f, p99 %.2f", machineLatency.microseconds(0.5), machineLatency.microseconds(0.99), machineLatency.microseconds(0.999), machineLatency.microseconds(0.5) / engineLatency.microseconds(0.5), machineLatency.microseconds(0.99) / engineLatency.microseconds(0.99)))
    }

    private func eventCommits(config: GatehouseConfig, database: GatehouseDatabase) throws {
        let log = EventLog(database: database, site: config.site, device: config.device)
        let checkpointer = try WALCheckpointer(database)
        let done = Atomic<Bool>(false)
        let checkpoints = Thread {
            while !done.load(ordering: .relaxed) {
                Thread.sleep(forTimeInterval: 1)
                _ = try? checkpointer.checkpoint()
            }
        }
        checkpoints.start()
        defer { done.store(true, ordering: .relaxed) }
        let factory = EventFactory(site: config.site, device: config.device)
        let door = DoorConfig(id: "gate", zone: "site", relay: "gate-relay")
        let start = ContinuousClock.now
        for round in 0..<commits {
            let request = AccessRequest(reader: "gate-in", door: door, direction: .in, presentation: .credential(format: .uid, value: Records.uid(round)), time: WallClock.now())
            let decision = AccessDecision(reason: .granted, person: "p-\(round)", kind: "employee", credential: "c-\(round)")
            let effects: [RuntimeEffect] = [.entered(.person("p-\(round)"), zone: "site", at: request.time)]
            try log.commit(factory.events(for: decision, request: request, effects: effects, mode: .normal, makeID: EventID.make), effects: effects)
        }
        let seconds = Double((ContinuousClock.now - start).components.attoseconds) / 1e18 + Double((ContinuousClock.now - start).components.seconds)
        print(String(format: "event log: %d access events committed, one transaction each with its occupancy change: %.0f events/s", commits, Double(commits) / seconds))
    }

    @discardableResult
    private func throughSocket(configPath: String, directory: TemporaryDirectory, people: Int, label: String) throws -> Latencies {
        let daemon = try RunningDaemon(config: configPath, logFile: directory.file("daemon.log"), executable: gatehouse)
        var generator = SystemRandomNumberGenerator()
        for round in 0..<200 { _ = try ControlClient.present(reader: "gate-in", format: "uid", value: Self.uid(round, people: people, using: &generator), socket: daemon.socket) }
        var durations: [Duration] = []
        let start = ContinuousClock.now
        for round in 0..<presentations {
            let uid = Self.uid(round, people: people, using: &generator)
            let began = ContinuousClock.now
            let reply = try ControlClient.present(reader: "gate-in", format: "uid", value: uid, socket: daemon.socket)
            durations.append(ContinuousClock.now - began)
            guard reply["decision"] != nil else { throw ValidationError("no decision: \(JSONValue.object(reply).serialized)") }
        }
        let total = ContinuousClock.now - start
        daemon.stop()
        let latency = Latencies(durations)
        let seconds = Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18
        print(label + String(format: " (connect, decide, pulse, commit, reply): %d presentations, p50 %.1f µs, p99 %.1f µs, %.0f decisions/s", presentations, latency.microseconds(0.5), latency.microseconds(0.99), Double(presentations) / seconds))
        return latency
    }
}
