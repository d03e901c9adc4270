/// Where a bundle came from, as `system.bundle_applied` and `system.bundle_rejected` say
/// (contract section 7.4): over MQTT, or applied on the device itself.
public enum BundleOrigin: String, Sendable, Equatable, CaseIterable {
    case mqtt
    case local
}
