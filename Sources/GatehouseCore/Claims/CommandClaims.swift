import JWTKit

/// The claims of a remote command (protocol section 6).
public struct CommandClaims: JWTPayload, Equatable {
    /// The commands of protocol section 6.
    public enum Name: String, Sendable, CaseIterable, Codable { case open, mode, muster, resync, ping }

    /// The longest a command may live: `exp` at most this many seconds after `iat`.
    public static let maximumLifetimeSeconds: Double = 300

    /// `{site}` or `{site}/{device}`.
    public var aud: Audience
    public var jti: String
    public var iat: Double
    public var exp: Double
    /// Who ordered it.
    public var sub: String
    public var cmd: String
    public var args: [String: JSONArgument]

    public init(aud: Audience, jti: String, iat: Double, exp: Double, sub: String, cmd: String, args: [String: JSONArgument] = [:]) {
        self.aud = aud
        self.jti = jti
        self.iat = iat
        self.exp = exp
        self.sub = sub
        self.cmd = cmd
        self.args = args
    }

    private enum CodingKeys: String, CodingKey { case aud, jti, iat, exp, sub, cmd, args }

    /// Decodes the claims; `args` may be absent (muster, resync and ping take none).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        aud = try container.decode(Audience.self, forKey: .aud)
        jti = try container.decode(String.self, forKey: .jti)
        iat = try container.decode(Double.self, forKey: .iat)
        exp = try container.decode(Double.self, forKey: .exp)
        sub = try container.decode(String.self, forKey: .sub)
        cmd = try container.decode(String.self, forKey: .cmd)
        args = try container.decodeIfPresent([String: JSONArgument].self, forKey: .args) ?? [:]
    }

    /// Claims are checked by the command handler, which knows the clock and the replay memory.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// A command argument: a string, a whole number, a boolean or a list of strings.
public enum JSONArgument: Sendable, Equatable, Codable {
    case string(String)
    case integer(Int64)
    case bool(Bool)
    case strings([String])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else {
            self = .strings(try container.decode([String].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .strings(let value): try container.encode(value)
        }
    }

    /// Reads `text` as the most specific argument: a number, true/false, a comma list, or text.
    public init(parsing text: String) {
        if let number = Int64(text) {
            self = .integer(number)
        } else if text == "true" || text == "false" {
            self = .bool(text == "true")
        } else if text.contains(",") {
            self = .strings(text.split(separator: ",").map { String($0).trimmingWhitespace() })
        } else {
            self = .string(text)
        }
    }
}
