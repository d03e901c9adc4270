/// What the access machine decides with: one immutable snapshot of the configuration, the
/// engine and the event factory made from it, taken whole for every input and replaced only
/// between two inputs (``AccessInput/reconfigured(_:)``), so that a reload never mixes two
/// configurations in one decision.
public struct AccessSettings: Sendable {
    public let config: GatehouseConfig
    public let engine: PolicyEngine
    public let events: EventFactory
    /// The patrol checkpoints of this device's readers.
    public let localCheckpoints: Set<String>
    /// The site's PIN key from the device secrets file; nil: PINs cannot be checked here.
    public let pinKey: PINKey?

    /// The settings of `config`, with visitor tokens checked against `inviteKeys` and
    /// schedules read in the zones of `timeZones` (one catalog for the engine and the patrol).
    public init(config: GatehouseConfig, inviteKeys: TrustSet, timeZones: TimeZoneCatalog, secrets: DeviceSecrets = .none) {
        pinKey = secrets.pinKey
        self.config = config
        engine = PolicyEngine(site: config.site, settings: config.policy, inviteKeys: inviteKeys, timeZones: timeZones)
        events = EventFactory(site: config.site, device: config.device)
        localCheckpoints = Set(config.readers.compactMap(\.checkpoint))
    }

    public var timeZones: TimeZoneCatalog { engine.timeZones }
}
