import FuzzSupport
import GatehouseCore

/// An inbound MQTT message: the first line is the topic, the rest the payload (another
/// device's emergency event, for its musters).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzSupport.bytes(data, size)
    let newline = bytes.firstIndex(of: 0x0A) ?? bytes.count
    let topic = String(decoding: bytes[..<newline], as: UTF8.self)
    let payload = Array(bytes[min(bytes.count, newline + 1)...])
    let topics = DeviceTopics(site: "acme", device: "gate-01")
    if case .siteEmergency(let device)? = topics.classify(topic) {
        _ = RemoteMuster.parse(payload, site: "acme", device: device)
    }
    _ = RemoteMuster.parse(payload, site: "acme", device: "gate-02")
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver on this harness.
@_cdecl("fuzz_mqtt_inbound_main")
public func harnessMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzSupport.run { data, size in fuzz(data ?? UnsafePointer(bitPattern: 1)!, size) }
}
