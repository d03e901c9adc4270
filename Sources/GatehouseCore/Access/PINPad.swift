/// The PINs the access machine is waiting for, one per reader, and the credentials locked out
/// after wrong PINs (contract 7.2). Pure: time is the monotonic milliseconds each call brings.
/// The digits typed are kept here only until the PIN is checked, and never logged.
public struct PINPad: Sendable {
    /// A credential held at a reader until its PIN comes.
    public struct Waiting: Sendable, Equatable {
        public var presentation: Presentation
        /// When `pin_timeout` is decided, on the monotonic clock.
        public var deadline: Int64
        public var digits = ""
    }

    /// What keys did to a wait.
    public enum Entry: Sendable, Equatable {
        /// Nothing waits for a PIN at this reader.
        case nothingWaiting
        /// Still typing: this many digits so far.
        case typing(digits: Int)
        /// The PIN is complete: check it against the presentation's person.
        case complete(Presentation, digits: String)
    }

    /// Consecutive wrong PINs of one credential, and until when it is refused.
    struct Strikes: Sendable, Equatable {
        var count = 0
        var lockedUntil: Int64?
    }

    public var settings: PINSettings
    public private(set) var waiting: [String: Waiting] = [:]
    private var strikes: [String: Strikes] = [:]

    public init(settings: PINSettings) {
        self.settings = settings
    }

    /// Waits at `reader` for the PIN of `presentation`; the wait it replaces, if any.
    public mutating func wait(at reader: String, for presentation: Presentation, now: Int64) -> Waiting? {
        let replaced = waiting[reader]
        waiting[reader] = Waiting(presentation: presentation, deadline: now + Int64(settings.timeoutSeconds) * 1000)
        return replaced
    }

    /// Keys typed at `reader`: digits are added, `*` clears them, `#` (or the configured length
    /// reached) completes the PIN; `#` with no digits, and other characters, are ignored.
    public mutating func keys(_ keys: String, at reader: String) -> Entry {
        guard var wait = waiting[reader] else { return .nothingWaiting }
        for key in keys {
            switch key {
            case "0"..."9":
                if wait.digits.count < PINSettings.digits.upperBound { wait.digits.append(key) }
            case "*": wait.digits = ""
            case "#":
                // `#` before any digit is a slip, not a wrong PIN: it is ignored.
                if wait.digits.isEmpty { continue }
                waiting[reader] = nil
                return .complete(wait.presentation, digits: wait.digits)
            default: continue
            }
            if let length = settings.length, wait.digits.count == length {
                waiting[reader] = nil
                return .complete(wait.presentation, digits: wait.digits)
            }
        }
        waiting[reader] = wait
        return .typing(digits: wait.digits.count)
    }

    /// The waits whose time is up at `now`, by reader, removed.
    public mutating func expired(now: Int64) -> [(reader: String, presentation: Presentation)] {
        let due = waiting.filter { $0.value.deadline <= now }.sorted { $0.key < $1.key }
        for (reader, _) in due { waiting[reader] = nil }
        return due.map { ($0.key, $0.value.presentation) }
    }

    /// Whether the credential (by its fingerprint) is locked out at `now`.
    public func isLocked(_ credential: String, now: Int64) -> Bool {
        strikes[credential]?.lockedUntil.map { now < $0 } ?? false
    }

    /// A wrong PIN for `credential`: true when it has just locked the credential.
    public mutating func wrong(_ credential: String, now: Int64) -> Bool {
        var entry = strikes[credential] ?? Strikes()
        if let until = entry.lockedUntil, now >= until { entry = Strikes() }
        entry.count += 1
        let locks = entry.count >= settings.attempts
        if locks {
            entry.lockedUntil = now + Int64(settings.lockoutSeconds) * 1000
            entry.count = 0
        }
        strikes[credential] = entry
        return locks
    }

    /// A right PIN: the credential's strikes are forgotten.
    public mutating func right(_ credential: String) {
        strikes[credential] = nil
    }
}
