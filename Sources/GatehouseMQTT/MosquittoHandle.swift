import CMosquitto
import GatehouseCore
import Synchronization

/// The one owner of a `struct mosquitto` and of the CONNECT properties libmosquitto keeps a
/// pointer to; both are freed in `deinit`, after the network thread that used them has ended
/// (that thread holds a strong reference to this object).
// libmosquitto is built thread-safe: it serialises calls on one handle with its own mutexes
// (publish and subscribe from any thread while one thread runs mosquitto_loop, after
// mosquitto_threaded_set). The pointers themselves never change after init.
final class MosquittoHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    /// CONNECT properties (MQTT 5 session expiry). libmosquitto keeps this pointer, not a copy,
    /// so the list lives exactly as long as the handle.
    let connectProperties: UnsafeMutablePointer<OpaquePointer?>
    /// Set once to end the network thread.
    let stopping = Atomic<Bool>(false)

    init(clientID: String, cleanSession: Bool, user: UnsafeMutableRawPointer) throws(MQTTError) {
        guard let pointer = mosquitto_new(clientID, cleanSession, user) else {
            throw MQTTError(.setup, "cannot create a client for \"\(clientID)\"")
        }
        self.pointer = pointer
        connectProperties = .allocate(capacity: 1)
        connectProperties.initialize(to: nil)
    }

    deinit {
        mosquitto_destroy(pointer)
        mosquitto_property_free_all(connectProperties)
        connectProperties.deallocate()
    }
}
