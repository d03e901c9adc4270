import ServiceLifecycle
import Synchronization

/// Word from the maintenance thread that the database file was removed while the daemon ran;
/// its service, the first to stop, then shuts the whole group down in order.
final class DatabaseRemoval: Sendable {
    private let seen = Atomic<Bool>(false)

    var detected: Bool { seen.load(ordering: .acquiring) }

    func detect() { seen.store(true, ordering: .releasing) }

    /// Returns once a removal is detected (the group, configured to, then shuts down
    /// gracefully), or at the group's graceful shutdown.
    struct Watch: Service {
        let removal: DatabaseRemoval

        func run() async throws {
            try? await cancelWhenGracefulShutdown {
                while !removal.detected { try await Task.sleep(for: .milliseconds(200)) }
            }
        }
    }
}
