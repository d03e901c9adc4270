/// The event types of protocol section 5. The family (the part after `gatehouse.`) names the
/// MQTT topic the event goes to.
public enum EventType: String, Sendable, CaseIterable {
    case accessGranted = "gatehouse.access.granted"
    case accessDenied = "gatehouse.access.denied"
    case accessPassage = "gatehouse.access.passage"
    case accessNoPassage = "gatehouse.access.no_passage"
    case visitorCheckedIn = "gatehouse.visitor.checked_in"
    case visitorCheckedOut = "gatehouse.visitor.checked_out"
    case patrolVisited = "gatehouse.patrol.visited"
    case patrolMissed = "gatehouse.patrol.missed"
    case alarmDoorForced = "gatehouse.alarm.door_forced"
    case alarmDoorHeld = "gatehouse.alarm.door_held"
    case alarmTamper = "gatehouse.alarm.tamper"
    case alarmReaderFault = "gatehouse.alarm.reader_fault"
    case alarmRepeatedDenials = "gatehouse.alarm.repeated_denials"
    /// A duress PIN was entered: stored with the grant, silent at the reader (contract 7.2).
    case alarmDuress = "gatehouse.alarm.duress"
    case alarmOutboxHigh = "gatehouse.alarm.outbox_high"
    /// The state directory's free space fell under `[storage] low_free_mb` (contract 7.4).
    case alarmStorageLow = "gatehouse.alarm.storage_low"
    case alarmPolicyStale = "gatehouse.alarm.policy_stale"
    /// The system clock reads behind the clock floor by more than the skew (contract 7.4).
    case alarmClockSuspect = "gatehouse.alarm.clock_suspect"
    case emergencyModeChanged = "gatehouse.emergency.mode_changed"
    case emergencyMuster = "gatehouse.emergency.muster"
    /// A person marked safe at a muster point (contract 7.5).
    case emergencyMustered = "gatehouse.emergency.mustered"
    /// No one is unaccounted for in the evacuated zones.
    case emergencyAllClear = "gatehouse.emergency.all_clear"
    /// A drill ended: its timings.
    case emergencyDrillReport = "gatehouse.emergency.drill_report"
    case systemStarted = "gatehouse.system.started"
    case systemBundleApplied = "gatehouse.system.bundle_applied"
    case systemBundleRejected = "gatehouse.system.bundle_rejected"

    /// `access`, `visitor`, `patrol`, `alarm`, `emergency` or `system`.
    public var family: String { Self.family(of: rawValue) }

    /// The family of an event type's name, as stored in the outbox.
    public static func family(of type: String) -> String {
        let name = type.hasPrefix("gatehouse.") ? type.dropFirst("gatehouse.".count) : Substring(type)
        return String(name.prefix { $0 != "." })
    }
}
