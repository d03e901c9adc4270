import Foundation
import GatehouseCore

/// Mints visitor QR tokens (protocol section 2) and commands (section 6).
public enum TokenMinter {
    /// A visitor token for an invite, valid from `notBefore` for `lifetime` seconds.
    public static func visitorToken(key: SigningKey, site: String, invite: String, notBefore: Timestamp, lifetimeSeconds: Int64, kind: String? = nil, zones: [String]? = nil, issuer: String? = nil) async throws(AdminError) -> String {
        guard Identifier.isValid(site) else { throw AdminError(.input, "--site: \"\(site)\" is not an id") }
        guard Identifier.isValid(invite) else { throw AdminError(.input, "--invite: \"\(invite)\" is not an id") }
        guard lifetimeSeconds > 0 else { throw AdminError(.input, "--valid-for must be positive") }
        if let kind, Invite.Kind(rawValue: kind) == nil {
            throw AdminError(.input, "--kind: expected visitor, contractor or delivery, got \"\(kind)\"")
        }
        let claims = VisitorTokenClaims(
            aud: Audience([site]), sub: invite, jti: UUID().uuidString.lowercased(), nbf: Double(notBefore.numericDate),
            exp: Double(notBefore.numericDate + lifetimeSeconds), iss: issuer, kind: kind, zones: zones)
        return try await key.sign(claims)
    }

    /// A signed command for a site, or for one device when `device` is given.
    public static func command(key: SigningKey, site: String, device: String?, name: String, arguments: [String: JSONArgument], issuedAt: Timestamp, lifetimeSeconds: Int64, orderedBy subject: String) async throws(AdminError) -> String {
        guard CommandClaims.Name(rawValue: name) != nil else {
            throw AdminError(.input, "--cmd: expected one of \(CommandClaims.Name.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(name)\"")
        }
        guard (1...Int64(CommandClaims.maximumLifetimeSeconds)).contains(lifetimeSeconds) else {
            throw AdminError(.input, "--ttl: a command lives 1 to \(Int(CommandClaims.maximumLifetimeSeconds)) seconds")
        }
        let audience = device.map { "\(site)/\($0)" } ?? site
        let claims = CommandClaims(
            aud: Audience([audience]), jti: UUID().uuidString.lowercased(), iat: Double(issuedAt.numericDate),
            exp: Double(issuedAt.numericDate + lifetimeSeconds), sub: subject, cmd: name, args: arguments)
        return try await key.sign(claims)
    }
}
