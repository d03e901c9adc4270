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

/// Serves the control socket; on shutdown it stops accepting and removes the socket file.
struct ControlService: Service {
    let server: ControlServer

    func run() async throws {
        server.start()
        try? await gracefulShutdown()
        await server.stop()
    }
}
