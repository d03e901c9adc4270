/// A change of mode asked for: by `gatehouse mode`, or by the `mode` command (contract section
/// 6). With zones, it changes the zones of the mode in force instead of replacing them:
///
/// - the same mode with zones adds them (an evacuation of the lab, then of the store, evacuates
///   both); a site-wide mode already covers them;
/// - `normal` with zones ends the mode in those zones only (the mode ends when none is left);
///   a site-wide mode has no zones to end and is refused: end it with `normal` alone;
/// - another mode with zones replaces the mode in force, which the reply and the event say
///   (`previous`): an evacuation must never wait on a lockdown;
/// - without zones, the mode is set for the whole site, whatever was in force;
/// - but a lockdown never ends an evacuation (it would lock the fail-safe doors people are
///   leaving by): while one is in force, a lockdown is refused until `normal` ends it.
///
/// Every zone named must be one of the cache's zones or of the mode in force. An evacuation
/// asked for by the platform (`lenient`) is never refused for a zone the cache lacks (a delta
/// not yet arrived, a bundle for other devices): the zones are taken as named.
public struct ModeRequest: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// The mode to change to.
        case change(DeviceMode)
        /// The device is already so.
        case unchanged
        /// Refused, with why: for the caller's error message.
        case refused(String)
    }

    public var kind: DeviceMode.Kind
    /// The zones to add (or, with `normal`, to end the mode in); nil for the whole site.
    public var zones: [String]?

    /// An evacuation drill (contract 7.5); only with `evacuation`.
    public var drill: Bool

    public init(_ kind: DeviceMode.Kind, zones: [String]? = nil, drill: Bool = false) {
        self.kind = kind
        self.zones = zones.map(Self.unique)
        self.drill = drill
    }

    /// What the request does to `current`, with `known` the cache's zone ids; `lenient` for
    /// the platform's evacuations.
    public func outcome(from current: DeviceMode, known cached: [String], lenient: Bool = false) -> Outcome {
        if drill, kind != .evacuation { return .refused("a drill is an evacuation: mode evacuation with drill") }
        if drill, current.kind == .evacuation, !current.drill {
            return .refused("a real evacuation is in force: no drill now")
        }
        if kind == .evacuation, !drill, current.drill {
            // A real evacuation ends the drill and takes its place.
            return .change(DeviceMode(.evacuation, zones: zones))
        }
        if kind == .lockdown && current.kind == .evacuation {
            return .refused("an evacuation is in force (\(current.zones.map { $0.joined(separator: ", ") } ?? "every zone")): a lockdown would lock the doors people are leaving by; end it first with `normal`")
        }
        guard let zones else {
            let wanted = DeviceMode(kind, drill: drill)
            return wanted == current ? .unchanged : .change(wanted)
        }
        guard !zones.isEmpty else { return .refused("no zones named") }
        let known = cached + (current.zones ?? []).filter { !cached.contains($0) }
        let unknown = zones.filter { !known.contains($0) }
        guard unknown.isEmpty || (lenient && kind == .evacuation) else {
            let list = known.isEmpty ? "none (no bundle applied)" : known.sorted().joined(separator: ", ")
            return .refused("unknown zone\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", ")); the cache's zones: \(list)")
        }
        switch (kind, current.kind) {
        case (.normal, .normal):
            return .unchanged
        case (.normal, _):
            guard let inForce = current.zones else {
                return .refused("the \(current.kind.rawValue) covers every zone: end it with `normal` and no zones, or set it again for the zones it should keep")
            }
            let left = inForce.filter { !zones.contains($0) }
            if left.count == inForce.count { return .unchanged }
            return .change(left.isEmpty ? .normal : DeviceMode(current.kind, zones: left))
        case _ where kind == current.kind:
            guard let inForce = current.zones else { return .unchanged }
            let added = inForce + zones.filter { !inForce.contains($0) }
            return added.count == inForce.count ? .unchanged : .change(DeviceMode(kind, zones: added, drill: current.drill))
        default:
            return .change(DeviceMode(kind, zones: zones, drill: drill))
        }
    }

    private static func unique(_ zones: [String]) -> [String] {
        var seen: Set<String> = []
        return zones.filter { seen.insert($0).inserted }
    }
}
