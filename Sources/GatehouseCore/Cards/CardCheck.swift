import Synchronization

/// What an authenticating reader learnt of a card: its UID (the real one, read after
/// authentication, or the anticollision UID when the check failed before), and whether it
/// proved itself genuine. Contract 7.3: the credential looked up is `uid` either way; a failure
/// denies `card_not_authentic`.
public struct CardCheck: Sendable, Equatable {
    public var uid: [UInt8]
    /// Nil when the card is genuine.
    public var failure: CardFailure?
    /// The card's kind as checked (`desfire`, `ntag424`).
    public var security: ReaderConfig.CardSecurity

    public init(uid: [UInt8], failure: CardFailure? = nil, security: ReaderConfig.CardSecurity) {
        self.uid = uid
        self.failure = failure
        self.security = security
    }

    public var isAuthentic: Bool { failure == nil }
}

/// The SUN read counters a device has seen, by card: a message is taken only when its counter
/// is above the last one taken for that card (a replayed URL repeats one). `GatehouseStore`
/// keeps them in SQLite; ``MemorySUNCounters`` is the twin for tests.
public protocol SUNCounterPort: Sendable {
    /// Records `counter` for `card` and returns true when it is above the last one recorded;
    /// returns false, recording nothing, otherwise.
    func advance(card: String, to counter: UInt32) throws -> Bool
}

/// SUN counters in memory.
public final class MemorySUNCounters: SUNCounterPort {
    private let counters = Mutex<[String: UInt32]>([:])

    public init() {}

    public func advance(card: String, to counter: UInt32) -> Bool {
        counters.withLock { counters in
            if let last = counters[card], counter <= last { return false }
            counters[card] = counter
            return true
        }
    }
}
