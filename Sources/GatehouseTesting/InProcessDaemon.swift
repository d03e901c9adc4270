import GatehouseCore
import GatehouseDaemon
import GatehouseStore
import GatehouseThreads
import Logging
import Synchronization

/// Runs a daemon inside the test process, in the manner of ServiceLifecycleTestKit: built with
/// the one wiring function `buildDaemon(config:dependencies:)`, its services running in a child
/// task, handed to `body` once its access thread has stored `system.started`, and shut down
/// gracefully, in order, when `body` returns or throws.
public func withDaemon<T: Sendable>(
    config: GatehouseConfig, dependencies: DaemonDependencies = .inProcess(), _ body: (Daemon) async throws -> T
) async throws -> T {
    try await withDaemons(configs: [config], dependencies: dependencies) { daemons in try await body(daemons[0]) }
}

/// Runs several daemons inside the test process, as ``withDaemon(config:dependencies:_:)`` runs
/// one: each built, run in a child task and ready before `body`, all shut down after it.
public func withDaemons<T: Sendable>(
    configs: [GatehouseConfig], dependencies: DaemonDependencies = .inProcess(), _ body: ([Daemon]) async throws -> T
) async throws -> T {
    var daemons: [Daemon] = []
    for config in configs { daemons.append(try buildDaemon(config: config, dependencies: dependencies)) }
    let running = daemons
    let stopped = StoppedFlag()
    return try await withThrowingTaskGroup(of: Void.self) { group in
        for daemon in running {
            group.addTask {
                defer { stopped.value.store(true, ordering: .releasing) }
                try await daemon.run()
            }
        }
        func shutdown() async {
            for daemon in running { await daemon.shutdown() }
        }
        do {
            // However long it takes: a busy test process may hold the cooperative pool a while.
            while !running.allSatisfy(\.isReady) {
                if stopped.value.load(ordering: .acquiring) {
                    await shutdown()
                    try await group.waitForAll()  // rethrows why one stopped
                    throw TestingError("a daemon stopped before its access thread started")
                }
                try await Task.sleep(for: .milliseconds(5))
            }
            let result = try await body(running)
            await shutdown()
            try await group.waitForAll()
            return result
        } catch {
            await shutdown()
            try? await group.waitForAll()
            throw error
        }
    }
}

/// Whether the daemon's run has returned.
private final class StoppedFlag: Sendable {
    let value = Atomic<Bool>(false)
}

extension DaemonDependencies {
    /// A daemon for a test process: no signal handlers, no systemd, simulated readers only
    /// (a test gives its own factory for others), a quiet logger.
    public static func inProcess(logger: Logger = Logger(label: "gatehouse.test"), clock: DaemonClock = .system) -> DaemonDependencies {
        var dependencies = DaemonDependencies(software: "test", logger: logger)
        dependencies.clock = clock
        dependencies.handlesSignals = false
        dependencies.notifiesSystemd = false
        dependencies.readers = { _ throws(DaemonError) in nil }
        return dependencies
    }
}

extension Daemon {
    /// Presents a credential at a reader and waits for the outcome, from a thread of its own
    /// (the access thread's reply is waited for there, never on the cooperative pool).
    public func present(reader: String, uid: String) async throws -> AccessOutcome {
        try await present(reader: reader, .credential(format: .uid, value: uid))
    }

    /// Presents anything at a reader: a badge, a code, a visitor token.
    public func present(reader: String, _ presentation: Presentation) async throws -> AccessOutcome {
        let controller = controller
        return try await DedicatedThread.run(name: "test.present") { try controller.present(reader: reader, presentation).get() }
    }

    /// Sets a simulated input's raw level (the lines must be simulated).
    public func setInput(_ name: String, high: Bool) {
        guard let simulatedInputs else { preconditionFailure("setInput needs hardware.gpio = \"simulated\"") }
        _ = simulatedInputs.setInput(name, high: high)
    }

    /// Someone walks through a door after a grant: its simulated contact opens, stays open for
    /// `milliseconds` (longer than its debounce time), then closes and stays closed as long.
    public func walkThrough(contact: String, milliseconds: Int = 300) async throws {
        setInput(contact, high: true)
        try await Task.sleep(for: .milliseconds(milliseconds))
        setInput(contact, high: false)
        try await Task.sleep(for: .milliseconds(milliseconds))
    }

    /// Every stored event, in `seq` order.
    public func events() throws -> [StoredEvent] { try eventLog.events(after: 0, limit: 100_000) }

    /// Waits until `condition` holds for the stored events, polling every 10 ms, for at most
    /// `seconds`; false when it never did.
    public func waitForEvents(seconds: Double = 10, _ condition: ([StoredEvent]) -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if condition(try events()) { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition(try events())
    }
}
