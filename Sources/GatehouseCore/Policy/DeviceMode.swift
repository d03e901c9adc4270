/// The device's operating mode (protocol section 6, command `mode`), kept across restarts.
public struct DeviceMode: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case normal
        /// Every door stays locked; only `responder`s pass.
        case lockdown
        /// Every exit is granted.
        case evacuation
    }

    public var kind: Kind
    /// The zones the mode covers; nil covers every zone.
    public var zones: [String]?
    /// An evacuation that is a drill (contract 7.5): tracked as a real one, its emergency
    /// events marked `"drill": true`, its doors as `[emergency] drill_releases_doors` says.
    public var drill: Bool

    public init(_ kind: Kind, zones: [String]? = nil, drill: Bool = false) {
        precondition(!drill || kind == .evacuation, "only an evacuation is drilled")
        self.kind = kind
        self.zones = zones
        self.drill = drill
    }

    public static let normal = DeviceMode(.normal)

    /// Whether the mode is `kind` for a door into `zone`.
    public func `is`(_ kind: Kind, for zone: String) -> Bool {
        self.kind == kind && (zones.map { $0.contains(zone) } ?? true)
    }
}
