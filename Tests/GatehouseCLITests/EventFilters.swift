import GatehouseCore

/// The events of decisions and what they changed, without the doors' own account of them
/// (`passage`, `no_passage`), which depends on when the door contact moved and when the
/// grant's window ended.
func withoutDoorLife(_ events: [JSONObject]) -> [JSONObject] {
    events.filter { event in
        ![EventType.accessPassage.rawValue, EventType.accessNoPassage.rawValue].contains(event.string("type") ?? "")
    }
}
