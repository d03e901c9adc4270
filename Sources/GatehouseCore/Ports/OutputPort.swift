/// The outputs a device drives: relays, buzzers, LEDs, by their config names. Implemented by
/// the GPIO adapter and by its simulated twin.
///
/// Calls return at once: a pulse is started, not waited for, so a door never waits on its
/// relay's timing.
public protocol OutputPort: Sendable {
    /// Activates `output` for `milliseconds`, then returns it to rest.
    func pulse(_ output: String, milliseconds: Int)
    /// Holds `output` active (a door released for an evacuation, a buzzer sounding) or lets it
    /// rest, until the next call. A pulse under way on it is cancelled.
    func hold(_ output: String, active: Bool)
}
