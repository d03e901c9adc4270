import GatehouseCore

/// What the link thread is told, in the order it happened.
enum LinkInput: Sendable {
    /// Something the broker or the connection did.
    case client(BrokerEvent)
    /// New events were stored.
    case stored
    /// The access thread carried out a command (or could not).
    case commandDone(RemoteCommand, Result<CommandOutcome, DaemonError>)
    /// The bundle thread finished with a bundle.
    case bundleDone(BundleReport)
    /// Shut down: say offline, then stop.
    case stop
}
