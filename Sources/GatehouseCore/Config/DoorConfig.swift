/// A door or turnstile: the relay that opens it, the inputs that watch it, the zone behind it.
public struct DoorConfig: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case door, turnstile }
    /// What the lock does without power or without the daemon.
    public enum FailMode: String, Sendable, CaseIterable {
        /// Locked when unpowered: the default for security doors.
        case secure
        /// Released when unpowered: escape routes.
        case safe
    }
    /// What the door does when the cached policy is stale (its `expires` has passed).
    public enum StalePolicy: String, Sendable, CaseIterable {
        case deny
        case useCache = "use_cache"
    }

    public var id: String
    public var kind: Kind
    /// The zone a person enters through this door.
    public var zone: String
    /// The output that opens it.
    public var relay: String
    /// The output that sounds the held-open pre-alarm, if there is one.
    public var buzzer: String?
    public var pulseMilliseconds: Int
    public var heldOpenSeconds: Int
    /// The door contact input, if there is one.
    public var contact: String?
    /// The exit button (request to exit) input, if there is one.
    public var exitButton: String?
    /// The turnstile rotation sensor, if there is one.
    public var rotation: String?
    public var failMode: FailMode
    public var stalePolicy: StalePolicy

    public init(
        id: String, kind: Kind = .door, zone: String, relay: String, buzzer: String? = nil, pulseMilliseconds: Int = 3000, heldOpenSeconds: Int = 30,
        contact: String? = nil, exitButton: String? = nil, rotation: String? = nil, failMode: FailMode = .secure,
        stalePolicy: StalePolicy = .deny
    ) {
        self.id = id
        self.kind = kind
        self.zone = zone
        self.relay = relay
        self.buzzer = buzzer
        self.pulseMilliseconds = pulseMilliseconds
        self.heldOpenSeconds = heldOpenSeconds
        self.contact = contact
        self.exitButton = exitButton
        self.rotation = rotation
        self.failMode = failMode
        self.stalePolicy = stalePolicy
    }
}
