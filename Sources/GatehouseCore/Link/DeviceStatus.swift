/// What the access path shows the world: the bundle in force and the mode, for systemd's
/// STATUS= line and the retained status topic, and whether the policy is stale.
public struct DeviceStatus: Sendable, Equatable {
    public var bundle: Int64?
    public var mode: DeviceMode
    /// The version in force when its `expires` has passed; nil while it is fresh, or without one.
    public var staleBundle: Int64?
    /// Whether the system clock is behind the clock floor (contract 7.4): `"clock":"suspect"`.
    public var clockSuspect: Bool

    public init(bundle: Int64?, mode: DeviceMode, staleBundle: Int64? = nil, clockSuspect: Bool = false) {
        self.bundle = bundle
        self.mode = mode
        self.staleBundle = staleBundle
        self.clockSuspect = clockSuspect
    }

    /// What the retained status message carries; staleness is not in it.
    public var published: DeviceStatus { DeviceStatus(bundle: bundle, mode: mode, clockSuspect: clockSuspect) }
}
