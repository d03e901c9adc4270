/// What drives the access machine, in the order it happened.
public enum AccessInput: Sendable {
    /// The daemon started: `system.started`, the doors set for the mode in force, the policy's
    /// freshness and the patrol rounds missed while it was down.
    case started(software: String)
    /// A credential or a visitor token at a reader.
    case presented(reader: String, Presentation)
    /// Keys typed at a reader's keypad (`0`-`9`, `*` clears, `#` ends): the PIN of the
    /// credential waiting there (contract 7.2).
    case keyed(reader: String, keys: String)
    /// An input line changed, after debouncing: a door contact, an exit button, a rotation, a
    /// tamper switch, the fire alarm.
    case inputChanged(InputChange)
    /// Time passed; the executor sends one at least every 250 ms.
    case tick
    /// A remote `open`, `mode` or `muster`, its signature, audience, times, replay and
    /// arguments already checked by the link.
    case command(RemoteCommand)
    /// A mode change asked for locally (`gatehouse mode`, by `origin` `cli:USER`).
    case modeRequested(ModeRequest, origin: String)
    /// Another device of the site stored `emergency.mustered` for this person or invite at
    /// its muster point `reader` (contract 7.5).
    case remoteMustered(Occupant, device: String, reader: String)
    /// A muster list asked for locally.
    case musterRequested(origin: String)
    /// A bundle was applied to the cache (or the cache was found to hold this one).
    case bundleApplied(AppliedBundle?)
    /// A reloaded configuration, in force from the next input on.
    case reconfigured(AccessSettings)
}
