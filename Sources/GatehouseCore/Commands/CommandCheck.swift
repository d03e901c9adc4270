/// Checks a command token against protocol section 6: the signature with a command key, the
/// audience, the times, the name and the arguments. The replay rule needs the device's memory
/// of seen `jti`s, so the caller applies it to what passes here.
public struct CommandCheck: Sendable {
    public var site: String
    public var device: String
    /// Clock skew allowed on `iat` and `exp`, in seconds.
    public var clockSkewSeconds: Int64
    /// The doors `open` may name.
    public var doors: Set<String>

    /// The pulse lengths `open`'s `duration_ms` may ask for.
    public static let openDurations = 100...600_000

    public init(site: String, device: String, clockSkewSeconds: Int64, doors: Set<String>) {
        self.site = site
        self.device = device
        self.clockSkewSeconds = clockSkewSeconds
        self.doors = doors
    }

    /// Verifies `token`, which arrived on the command topic named `topicName`, at `now`.
    public func verify(_ token: String, topicName: String, trust: TrustSet, now: Timestamp) -> Result<RemoteCommand, CommandRefusal> {
        precondition(trust.purpose == .command, "commands are verified with command keys only")
        let claims: CommandClaims
        switch trust.verify(token.trimmingWhitespace(), as: CommandClaims.self) {
        case .success(let verified): claims = verified.claims
        case .failure(.malformed(let why)): return .failure(CommandRefusal(.malformed, "not a valid command JWT: \(why)"))
        case .failure(.unknownKey(let kid)):
            return .failure(CommandRefusal(.unknownKey, kid.map { "no command key \"\($0)\" is trusted" } ?? "the command names no key (kid)"))
        case .failure(let failure): return .failure(CommandRefusal(.badSignature, failure.description))
        }
        let id = claims.jti
        func refuse(_ reason: CommandRefusalReason, _ detail: String) -> Result<RemoteCommand, CommandRefusal> {
            .failure(CommandRefusal(reason, detail, id: Identifier.isValid(id) ? id : nil))
        }
        guard Identifier.isValid(id) else { return refuse(.malformed, "jti must be 1 to 64 characters from [A-Za-z0-9._:-]") }
        guard claims.aud.values.contains(where: { $0 == site || $0 == "\(site)/\(device)" }) else {
            return refuse(.wrongAudience, "the command is for \(claims.aud.values.joined(separator: ", ")), this device is \(site)/\(device)")
        }
        guard claims.exp >= claims.iat, claims.exp - claims.iat <= CommandClaims.maximumLifetimeSeconds else {
            return refuse(.malformed, "exp must be 0 to \(Int(CommandClaims.maximumLifetimeSeconds)) s after iat")
        }
        let skew = clockSkewSeconds * 1000
        let issued = Timestamp(numericDate: claims.iat)
        let expires = Timestamp(numericDate: claims.exp)
        if now.millisecondsSinceEpoch + skew < issued.millisecondsSinceEpoch {
            return refuse(.notYetValid, "issued at \(issued.rfc3339), later than this device's clock allows")
        }
        if now.millisecondsSinceEpoch - skew > expires.millisecondsSinceEpoch {
            return refuse(.expired, "expired at \(expires.rfc3339)")
        }
        guard let name = CommandClaims.Name(rawValue: claims.cmd) else {
            return refuse(.unknownCommand, "\"\(claims.cmd)\" is not one of \(CommandClaims.Name.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard claims.cmd == topicName else {
            return refuse(.malformed, "the topic names \"\(topicName)\" but the command is \"\(claims.cmd)\"")
        }
        switch Self.action(name, claims.args, doors: doors) {
        case .success(let action):
            return .success(RemoteCommand(id: id, orderedBy: claims.sub, expires: expires, action: action))
        case .failure(let problem):
            return refuse(.badArgs, problem.detail)
        }
    }

    /// Checks a command's name and arguments as a device will, before it is signed
    /// (`gatehouse command mint`): any door id passes, since the device's doors are not known here.
    /// Nil when a device would take them.
    public static func problem(command cmd: String, arguments: [String: JSONArgument]) -> CommandRefusal? {
        guard let name = CommandClaims.Name(rawValue: cmd) else {
            return CommandRefusal(.unknownCommand, "\"\(cmd)\" is not one of \(CommandClaims.Name.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if case .failure(let problem) = action(name, arguments, doors: nil) { return problem }
        return nil
    }

    /// The arguments of each command, checked; `doors` nil lets any door id pass.
    private static func action(_ name: CommandClaims.Name, _ args: [String: JSONArgument], doors: Set<String>?) -> Result<RemoteCommand.Action, CommandRefusal> {
        func bad(_ detail: String) -> Result<RemoteCommand.Action, CommandRefusal> { .failure(CommandRefusal(.badArgs, detail)) }
        let allowed: Set<String> =
            switch name {
            case .open: ["door", "duration_ms"]
            case .mode: ["mode", "zones", "drill"]
            case .muster, .resync, .ping: []
            }
        if let unknown = args.keys.sorted().first(where: { !allowed.contains($0) }) {
            return bad("\(name.rawValue) takes no argument \"\(unknown)\"")
        }
        switch name {
        case .open:
            guard case .string(let door)? = args["door"] else { return bad("open needs door, a door id") }
            guard doors?.contains(door) ?? Identifier.isValid(door) else { return bad("no door \"\(door)\" on this device") }
            switch args["duration_ms"] {
            case nil: return .success(.open(door: door, durationMilliseconds: nil))
            case .integer(let milliseconds)? where Self.openDurations.contains(Int(clamping: milliseconds)):
                return .success(.open(door: door, durationMilliseconds: Int(milliseconds)))
            default: return bad("duration_ms must be a whole number from \(Self.openDurations.lowerBound) to \(Self.openDurations.upperBound)")
            }
        case .mode:
            guard case .string(let text)? = args["mode"], let kind = DeviceMode.Kind(rawValue: text) else {
                return bad("mode needs mode: normal, lockdown or evacuation")
            }
            var drill = false
            switch args["drill"] {
            case nil: break
            case .bool(let value)?: drill = value
            default: return bad("drill must be true or false")
            }
            if drill, kind != .evacuation { return bad("drill is for mode evacuation") }
            switch args["zones"] {
            case nil: return .success(.mode(DeviceMode(kind, drill: drill)))
            case .strings(let zones)? where !zones.isEmpty && zones.allSatisfy(Identifier.isValid):
                return .success(.mode(DeviceMode(kind, zones: zones, drill: drill)))
            case .string(let zone)? where Identifier.isValid(zone):
                return .success(.mode(DeviceMode(kind, zones: [zone], drill: drill)))
            default: return bad("zones must be a list of zone ids")
            }
        case .muster: return .success(.muster)
        case .resync: return .success(.resync)
        case .ping: return .success(.ping)
        }
    }
}
