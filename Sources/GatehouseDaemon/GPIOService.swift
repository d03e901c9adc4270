import GatehouseCore
import GatehouseThreads
import ServiceLifecycle

/// Watches the GPIO inputs for as long as the daemon runs, handing each change to the access
/// thread. It starts before the access thread and stops after it, so that the last thing the
/// daemon does to its relays is to set them to their safe states and release the lines.
struct GPIOService: Service {
    let gpio: any GPIOPort
    let controller: AccessController

    func run() async throws {
        gpio.watch { [controller] change in controller.inputChanged(change) }
        try? await gracefulShutdown()
        // Releasing joins the GPIO thread: a blocking wait, kept off the cooperative pool.
        try? await DedicatedThread.run(name: "gatehouse.gpio-release") { [gpio] in gpio.release() }
    }
}
