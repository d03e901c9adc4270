import ServiceLifecycle

/// Serves the control socket; on shutdown it stops accepting and removes the socket file.
struct ControlService: Service {
    let server: ControlServer

    func run() async throws {
        server.start()
        try? await gracefulShutdown()
        await server.stop()
    }
}
