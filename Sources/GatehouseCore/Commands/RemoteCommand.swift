/// A command of protocol section 6 whose signature, audience, times and arguments passed.
public struct RemoteCommand: Sendable, Equatable {
    /// What the command asks for, with its arguments checked.
    public enum Action: Sendable, Equatable {
        /// One pulse of the door's relay; the door's own pulse length when nil.
        case open(door: String, durationMilliseconds: Int?)
        case mode(DeviceMode)
        case muster
        case resync
        case ping
    }

    /// The token's `jti`: the id its ack carries and the replay memory keeps.
    public var id: String
    /// Who ordered it (`sub`).
    public var orderedBy: String
    /// When it expires (`exp`); the replay memory keeps its id until then.
    public var expires: Timestamp
    public var action: Action

    public init(id: String, orderedBy: String, expires: Timestamp, action: Action) {
        self.id = id
        self.orderedBy = orderedBy
        self.expires = expires
        self.action = action
    }

    /// The command's name, as its topic and `cmd` claim give it.
    public var name: String {
        switch action {
        case .open: "open"
        case .mode: "mode"
        case .muster: "muster"
        case .resync: "resync"
        case .ping: "ping"
        }
    }
}
