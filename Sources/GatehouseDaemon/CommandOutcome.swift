import GatehouseStore

/// What carrying out a remote command did.
public enum CommandOutcome: Sendable, Equatable {
    /// Done; these events were stored.
    case carriedOut([StoredEvent])
    /// Nothing to do: the device was already so (a `mode` it is already in).
    case unchanged
}
