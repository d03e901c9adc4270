/// The outputs a device drives: relays, buzzers, LEDs, by their config names. Implemented by
/// the GPIO adapter and by its simulated twin.
///
/// Calls return at once: a pulse is started, not waited for, so a door never waits on its
/// relay's timing.
public protocol OutputPort: Sendable {
    /// Activates `output` for `milliseconds`, then returns it to rest.
    func pulse(_ output: String, milliseconds: Int)
}
