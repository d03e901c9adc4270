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

    public init(_ kind: Kind, zones: [String]? = nil) {
        self.kind = kind
        self.zones = zones
    }

    public static let normal = DeviceMode(.normal)

    /// Whether the mode is `kind` for a door into `zone`.
    public func `is`(_ kind: Kind, for zone: String) -> Bool {
        self.kind == kind && (zones.map { $0.contains(zone) } ?? true)
    }
}
