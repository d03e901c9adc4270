import GatehouseCore
import GatehouseStore

/// What became of a bundle that arrived over MQTT.
struct BundleReport: Sendable {
    enum Result: Sendable {
        case applied(BundleManifest)
        case noop(BundleManifest)
        case refused(BundleRefusal)
        /// The device could not apply it (a full disk, say): not the bundle's fault.
        case failed(StoreError)
    }

    var result: Result
    /// The version the cache holds afterwards.
    var appliedVersion: Int64?
}
