/// What the access machine asks for after one input, in the order to do it: drive the outputs
/// (the door never waits on the disk), store the events and effects in one transaction, tell
/// the machine they were stored (``AccessMachine/stored(_:)``), then give the reply.
public struct AccessStep: Sendable {
    /// An output to drive.
    public enum Output: Sendable, Equatable {
        /// Activate the output for this long, then let it rest.
        case pulse(String, milliseconds: Int)
        /// Hold the output active, or let it rest, until told otherwise.
        case hold(String, active: Bool)
        /// Show a signal on a reader that shows them itself (an OSDP reader).
        case signal(reader: String, ReaderSignal)
    }

    /// What to tell whoever gave the input.
    public enum Reply: Sendable, Equatable {
        /// Nothing (an input change, a tick, a reload).
        case none
        /// A presentation's request and decision; the access event is the first stored.
        case decided(AccessRequest, AccessDecision)
        /// The command or request was carried out: its events are the ones stored.
        case carriedOut
        /// Nothing to do: the device was already so (a mode it is already in).
        case unchanged
        /// The configuration has no such reader.
        case unknownReader(String)
        /// The configuration has no such door.
        case unknownDoor(String)
        /// The request is refused, with why (a mode for a zone the cache does not know).
        case refused(String)
        /// The request could not be carried out, with why (the cache cannot be read).
        case failed(String)
        /// The credential passed every check but the PIN: the reader waits for it (contract 7.2).
        /// The decision is provisional (``AccessDecision/needsPIN``); nothing is stored for it.
        case pinWanted(AccessRequest, AccessDecision)
        /// The first person at a two-person door: the reader waits for a second (contract 7.5).
        /// The decision is provisional (``AccessDecision/waitsForCompanion``); nothing is stored.
        case companionWanted(AccessRequest, AccessDecision)
        /// Keys were taken at a reader waiting for a PIN: this many digits so far.
        case pinTyping(reader: String, digits: Int)
    }

    public var outputs: [Output] = []
    /// The events to store, in order.
    public var events: [PendingEvent] = []
    /// The state changes stored in the same transaction as the events.
    public var effects: [RuntimeEffect] = []
    /// What to log, in order.
    public var notes: [AccessNote] = []
    public var reply: Reply = .none

    public init() {}

    /// Whether there is anything to store.
    public var storesSomething: Bool { !events.isEmpty || !effects.isEmpty }

    /// Takes another step's outputs, events, effects and notes after this one's; not its reply.
    mutating func absorb(_ other: AccessStep) {
        outputs += other.outputs
        events += other.events
        effects += other.effects
        notes += other.notes
    }

    mutating func note(_ level: AccessNote.Level, _ message: String, _ metadata: [String: String] = [:]) {
        notes.append(AccessNote(level, message, metadata))
    }
}

/// A line for the daemon's log, with dotted metadata keys; never a raw credential.
public struct AccessNote: Sendable, Equatable {
    public enum Level: Sendable, Equatable { case debug, info, notice, warning, error }

    public var level: Level
    public var message: String
    public var metadata: [String: String]

    public init(_ level: Level, _ message: String, _ metadata: [String: String] = [:]) {
        self.level = level
        self.message = message
        self.metadata = metadata
    }
}
