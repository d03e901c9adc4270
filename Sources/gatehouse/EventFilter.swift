import GatehouseCore
import GatehouseStore

/// Which stored events `gatehouse events` prints: by type or family, and from a time.
struct EventFilter {
    /// Full type names (`gatehouse.access.granted`) and families (`access`).
    private var types: Set<String> = []
    private var families: Set<String> = []
    var since: Timestamp?

    /// `types` as the user writes them: `access.granted`, `gatehouse.access.granted` or a family.
    init(types: [String], since: Timestamp?) throws {
        self.since = since
        let familyNames = Set(EventType.allCases.map(\.family))
        for text in types {
            let name = text.hasPrefix("gatehouse.") ? String(text.dropFirst("gatehouse.".count)) : text
            if familyNames.contains(name) {
                families.insert(name)
            } else if EventType(rawValue: "gatehouse." + name) != nil {
                self.types.insert("gatehouse." + name)
            } else {
                let known = EventType.allCases.map { String($0.rawValue.dropFirst("gatehouse.".count)) }
                throw CLIFailure.refused("--type: no event type \"\(text.prefix(40))\"; the families: \(familyNames.sorted().joined(separator: ", ")); the types: \(known.joined(separator: ", "))")
            }
        }
    }

    func matches(_ event: StoredEvent) -> Bool {
        if let since, event.time < since { return false }
        if types.isEmpty && families.isEmpty { return true }
        return types.contains(event.type) || families.contains(EventType.family(of: event.type))
    }
}
