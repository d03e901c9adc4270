import ServiceLifecycle

/// Runs the access thread for as long as the daemon runs; on shutdown it finishes the
/// presentations already queued.
struct AccessService: Service {
    let controller: AccessController

    func run() async throws {
        controller.start()
        try? await gracefulShutdown()
        await controller.stop()
    }
}
