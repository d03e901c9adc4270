extension GatehouseConfig {
    /// The level an output rests at while the daemon runs: a door's relay locked (inactive),
    /// whatever its fail mode; any other output at its safe state.
    public func runningState(of output: OutputLineConfig) -> Bool {
        if doors.contains(where: { $0.relay == output.id }) { return false }
        return output.safeState == .active
    }

    /// The doors an input watches, as contact, exit button or rotation sensor.
    public func doors(watching input: String) -> [DoorConfig] {
        doors.filter { $0.contact == input || $0.exitButton == input || $0.rotation == input }
    }

    /// The input line with this id.
    public func input(_ id: String) -> InputLineConfig? { inputs.first { $0.id == id } }
}
