import ServiceLifecycle

/// Runs the MQTT link for as long as the daemon runs. It stops after the access thread, so
/// that the acks of the last commands go out, and says `offline` before it disconnects.
struct LinkService: Service {
    let link: MQTTLink

    func run() async throws {
        link.start()
        try? await gracefulShutdown()
        await link.stop()
    }
}
