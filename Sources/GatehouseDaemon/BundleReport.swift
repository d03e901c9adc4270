import GatehouseCore
import GatehouseStore

/// What became of a bundle that arrived over MQTT.
enum BundleReport: Sendable {
    case applied(BundleManifest)
    case noop(BundleManifest)
    case refused(BundleRefusal)
    /// The device could not apply it (a full disk, say): not the bundle's fault.
    case failed(StoreError)
}
