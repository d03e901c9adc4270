import ServiceLifecycle

/// Runs the bundle thread for as long as the daemon runs. It starts before the link and the
/// control socket, which hand it bundles, and stops after them, finishing those queued.
struct BundleService: Service {
    let worker: BundleWorker

    func run() async throws {
        worker.start()
        try? await gracefulShutdown()
        await worker.stop()
    }
}
