import ServiceLifecycle

/// Runs the readers' threads (NFC readers, scanners, cameras) for as long as the daemon runs.
/// It starts after the access thread and stops before it, so that every tap read is decided.
struct ReaderService: Service {
    let loops: [ReaderLoop]

    func run() async throws {
        for loop in loops { loop.start() }
        try? await gracefulShutdown()
        for loop in loops { await loop.stop() }
    }
}
