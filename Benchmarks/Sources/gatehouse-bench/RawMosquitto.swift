import CMosquittoBench
import Foundation
import Synchronization

/// The drain benchmark's baseline: the same payloads published through libmosquitto's C API
/// alone, at QoS 1, with the same number in flight, as fast as the library and the broker go.
enum RawMosquitto {
    /// Acknowledgements counted by the library's callback.
    final class Acks: Sendable {
        let count = Atomic<Int>(0)
    }

    /// Publishes every payload to `topic` and waits for every PUBACK.
    static func publish(_ payloads: [[UInt8]], topic: String, port: Int32, window: Int32) throws {
        mosquitto_lib_init()
        guard let mosq = mosquitto_new("raw-baseline", true, nil) else { throw BenchError("mosquitto_new failed") }
        defer {
            mosquitto_disconnect(mosq)
            mosquitto_loop_stop(mosq, false)
            mosquitto_destroy(mosq)
        }
        let acks = Acks()
        let retained = Unmanaged.passRetained(acks)
        defer { retained.release() }
        mosquitto_user_data_set(mosq, retained.toOpaque())
        mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, Int32(MQTT_PROTOCOL_V5))
        mosquitto_max_inflight_messages_set(mosq, UInt32(window))
        mosquitto_publish_callback_set(mosq) { _, object, _ in
            guard let object else { return }
            _ = Unmanaged<Acks>.fromOpaque(object).takeUnretainedValue().count.wrappingAdd(1, ordering: .relaxed)
        }
        guard mosquitto_connect(mosq, "127.0.0.1", port, 60) == MOSQ_ERR_SUCCESS.rawValue else { throw BenchError("mosquitto_connect failed") }
        guard mosquitto_loop_start(mosq) == MOSQ_ERR_SUCCESS.rawValue else { throw BenchError("mosquitto_loop_start failed") }
        for payload in payloads {
            let status = payload.withUnsafeBytes { bytes in
                mosquitto_publish(mosq, nil, topic, Int32(bytes.count), bytes.baseAddress, 1, false)
            }
            guard status == MOSQ_ERR_SUCCESS.rawValue else { throw BenchError("mosquitto_publish failed: \(status)") }
        }
        let deadline = ContinuousClock.now + .seconds(600)
        while acks.count.load(ordering: .relaxed) < payloads.count {
            guard ContinuousClock.now < deadline else { throw BenchError("the raw publisher was not acknowledged in 10 minutes") }
            Thread.sleep(forTimeInterval: 0.005)
        }
    }
}
