/// Input lines that can be set by hand: the simulated GPIO backend, driven from
/// `gatehouse simulate input` through the control socket.
public protocol InputSimulatorPort: Sendable {
    /// Sets input `name`'s raw level; false when it was already so. Debouncing and the report
    /// to the access path follow as for a real line.
    func setInput(_ name: String, high: Bool) -> Bool
}
