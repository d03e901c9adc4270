/// What a reader shows its user after a presentation.
public enum ReaderSignal: Sendable, Equatable {
    /// `pinWanted`: the reader waits for more, a PIN or a second person: its LED held.
    case granted, denied, pinWanted
}

/// A reader that shows signals itself (an OSDP reader's LED and buzzer commands), as opposed to
/// LED and beeper wires on GPIO outputs.
public protocol ReaderSignalPort: Sendable {
    /// Shows `signal`; returns at once (the command is queued for the reader's bus).
    func signal(_ signal: ReaderSignal)
}
