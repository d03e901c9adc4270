/// What a reload (SIGHUP) of a changed configuration file does, worked out from the running
/// configuration and the new one: each change applies now, waits for a restart, or refuses the
/// whole reload (the running configuration then stays). The daemon follows it on SIGHUP;
/// `gatehouse check-config --reload-plan` prints it before anyone sends the signal.
public struct ReloadPlan: Sendable, Equatable {
    public enum Verdict: String, Sendable, Equatable, CaseIterable {
        /// Taken at the next input of the access path, or by the link at its next message.
        case appliesNow = "applies now"
        /// Kept as it runs until the daemon restarts; the rest of the file applies.
        case needsRestart = "needs a restart"
        /// The reload is refused whole: the running configuration stays.
        case refused
    }

    /// One changed part of the file.
    public struct Change: Sendable, Equatable, CustomStringConvertible {
        /// The key or table (`site`, `[mqtt]`, `readers.gate-in`).
        public var key: String
        public var verdict: Verdict
        /// Why, in a few words.
        public var reason: String

        public var description: String { "\(key): \(verdict.rawValue) (\(reason))" }
    }

    /// Every change, in the file's order of tables.
    public var changes: [Change]

    /// Whether the daemon refuses the reload and keeps the running configuration.
    public var isRefused: Bool { changes.contains { $0.verdict == .refused } }

    /// The plan for going from `running` to `loaded`.
    public init(running: GatehouseConfig, loaded: GatehouseConfig) {
        var changes: [Change] = []
        func compare(_ key: String, _ same: Bool, _ verdict: Verdict, _ reason: String) {
            if !same { changes.append(Change(key: key, verdict: verdict, reason: reason)) }
        }
        let identity = "the device's identity and its state; restart to change it"
        compare("site", running.site == loaded.site, .refused, identity)
        compare("device", running.device == loaded.device, .refused, identity)
        compare("database", running.database == loaded.database, .refused, identity)
        let lines = "GPIO lines are claimed at start with the safe states the doors' fail modes give them"
        compare("[hardware]", running.hardware == loaded.hardware, .refused, lines)
        compare("[outputs] (or a door's fail_mode)", running.outputs == loaded.outputs, .refused, lines)
        compare("[inputs]", running.inputs == loaded.inputs, .refused, lines)
        compare("[control]", running.control == loaded.control, .refused, "the control socket's group is set when it is made")
        compare("[trust]", running.trust == loaded.trust, .appliesNow, "the keys are read again")
        compare("[policy]", running.policy == loaded.policy, .appliesNow, "from the next decision")
        compare("[mqtt]", running.mqtt == loaded.mqtt, .needsRestart, "the broker connection is made at start")
        compare("[outbox]", running.outbox == loaded.outbox, .needsRestart, "the outbox keeper reads it at start")
        compare("[patrol]", running.patrol == loaded.patrol, .needsRestart, "the history is pruned with the limits read at start")
        compare("[storage]", running.storage == loaded.storage, .needsRestart, "the free space is watched with the threshold read at start")
        compare("[log]", running.log == loaded.log, .needsRestart, "the log level is set when the daemon starts")
        compare("[metrics]", running.metrics == loaded.metrics, .needsRestart, "the metrics file is set up when the daemon starts")
        for door in Self.union(running.doors.map(\.id), loaded.doors.map(\.id)) {
            compare("doors.\(door)", running.door(door) == loaded.door(door), .appliesNow, "its machine starts anew with its next event")
        }
        for id in Self.union(running.readers.map(\.id), loaded.readers.map(\.id)) {
            let old = running.reader(id), new = loaded.reader(id)
            guard old != new else { continue }
            if Self.hasThread(old) || Self.hasThread(new), old?.source != new?.source || old?.repeatAfterSeconds != new?.repeatAfterSeconds {
                changes.append(Change(key: "readers.\(id)", verdict: .needsRestart, reason: "a reader's thread is started, with its device, at start"))
            } else {
                changes.append(Change(key: "readers.\(id)", verdict: .appliesNow, reason: "from the next presentation"))
            }
        }
        self.changes = changes
    }

    /// What the daemon runs with after reloading `loaded` over `running`: the new file, but the
    /// parts that need a restart as they run (`[mqtt]`, `[outbox]`, `[patrol]`, `[storage]`, and each reader
    /// with a thread whose device settings changed, or that was added or removed), so that a
    /// reader waiting for a restart keeps deciding as before, and the next plan still shows
    /// what waits.
    /// `running` and `loaded` are the two this plan was made from.
    public func effective(running: GatehouseConfig, loaded: GatehouseConfig) -> GatehouseConfig {
        var config = loaded
        config.mqtt = running.mqtt
        config.outbox = running.outbox
        config.patrol = running.patrol
        config.storage = running.storage
        config.log = running.log
        config.metrics = running.metrics
        let waiting = Set(changes.filter { $0.verdict == .needsRestart && $0.key.hasPrefix("readers.") }.map {
            String($0.key.dropFirst("readers.".count))
        })
        var readers = loaded.readers.compactMap { reader in waiting.contains(reader.id) ? running.reader(reader.id) : reader }
        for reader in running.readers where waiting.contains(reader.id) && loaded.reader(reader.id) == nil { readers.append(reader) }
        config.readers = readers
        return config
    }

    /// Whether the reader has a thread of its own (any but a simulated one).
    private static func hasThread(_ reader: ReaderConfig?) -> Bool {
        guard let reader else { return false }
        if case .simulated = reader.source { return false }
        return true
    }

    private static func union(_ first: [String], _ second: [String]) -> [String] {
        first + second.filter { !first.contains($0) }
    }
}
