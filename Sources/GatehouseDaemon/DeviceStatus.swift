import GatehouseCore

/// What the device shows systemd and, later, its status topic.
public struct DeviceStatus: Sendable, Equatable {
    public var bundle: Int64?
    public var mode: DeviceMode
}
