import Foundation
import GatehouseCore

/// `gatehouse init --system`: a box laid out the packaged way. The configuration and the
/// public trust sets in /etc/gatehouse (root, group gatehouse, not world-readable), the
/// database in /var/lib/gatehouse (the service user's), and the site's private signing keys
/// off the device unless asked: a box at a gate is the easiest place to steal them from.
public struct SystemLayout {
    /// The packaged configuration file's first line until `init --system` replaces it.
    public static let unconfiguredMarker = "# gatehouse: not configured"

    /// Where the site's trust sets come from.
    public enum Trust: Sendable {
        /// New keys; the private ones written to this directory (removable media, an admin's
        /// machine), never onto the device.
        case generate(privateKeys: String)
        /// New keys, the private ones kept on the device in /etc/gatehouse/keys/private (0600,
        /// root): asked for explicitly.
        case generateOnDevice
        /// The site's existing public JWKS files (`bundle.jwks`, `invite.jwks`,
        /// `command.jwks`) copied from this directory: another device of a site.
        case copy(from: String)
    }

    public var initializer: SiteInitializer
    public var trust: Trust
    /// An image's root (empty: this machine's).
    public var root: String
    /// The service user and its group.
    public var user: String
    public var group: String

    public init(initializer: SiteInitializer, trust: Trust, root: String = "", user: String = "gatehouse", group: String = "gatehouse") {
        self.initializer = initializer
        self.trust = trust
        self.root = root
        self.user = user
        self.group = group
    }

    public static let configDirectory = "/etc/gatehouse"
    public static let stateDirectory = "/var/lib/gatehouse"

    /// Lays the box out; refuses to overwrite a configured box. Returns the paths written.
    public func write() throws(AdminError) -> [String] {
        try initializer.validate()
        guard let account = getpwnam(user), let entry = getgrnam(group) else {
            throw AdminError(.input, "no user \"\(user)\" or group \"\(group)\": install the package (it creates them), or run `systemd-sysusers`")
        }
        let (uid, gid) = (account.pointee.pw_uid, entry.pointee.gr_gid)
        let etc = root + Self.configDirectory, state = root + Self.stateDirectory
        let configPath = etc + "/" + SiteInitializer.configFile
        if let existing = FileManager.default.contents(atPath: configPath), !String(decoding: existing, as: UTF8.self).hasPrefix(Self.unconfiguredMarker) {
            throw AdminError(.exists, "\(configPath): this box is configured already; refusing to overwrite it (move it away to start again)")
        }
        try Self.directory(etc, mode: 0o750, owner: 0, group: gid)
        try Self.directory(etc + "/keys", mode: 0o750, owner: 0, group: gid)
        try Self.directory(state, mode: 0o750, owner: uid, group: gid)
        var written: [String] = []
        for purpose in KeyPurpose.allCases {
            let publicPath = "\(etc)/keys/\(purpose.rawValue).jwks"
            switch trust {
            case .copy(let directory):
                let source = "\(directory)/\(purpose.rawValue).jwks"
                guard let data = FileManager.default.contents(atPath: source) else {
                    throw AdminError(.input, "\(source): cannot read the site's \(purpose.rawValue) keys")
                }
                guard (try? TrustSet(jwks: data, purpose: purpose)) != nil else {
                    throw AdminError(.input, "\(source): not a JWKS file of \(purpose.rawValue) keys")
                }
                try SecretFile.write(String(decoding: data, as: UTF8.self), to: publicPath, mode: 0o640)
            case .generate(let directory):
                let key = try SigningKey.generate(kid: "\(initializer.site)-\(purpose.rawValue)-1")
                let privatePath = "\(directory)/\(purpose.rawValue).jwk"
                try SecretFile.write(key.privateJWK, to: privatePath, mode: 0o600)
                chmod(directory, 0o700)
                try SecretFile.write(SigningKey.jwks([key]), to: publicPath, mode: 0o640)
                written.append(privatePath)
            case .generateOnDevice:
                let key = try SigningKey.generate(kid: "\(initializer.site)-\(purpose.rawValue)-1")
                let privatePath = "\(etc)/keys/private/\(purpose.rawValue).jwk"
                try Self.directory(etc + "/keys/private", mode: 0o700, owner: 0, group: 0)
                try SecretFile.write(key.privateJWK, to: privatePath, mode: 0o600)
                try SecretFile.write(SigningKey.jwks([key]), to: publicPath, mode: 0o640)
                written.append(privatePath)
            }
            chown(publicPath, 0, gid)
            written.append(publicPath)
        }
        let config = ConfigTemplate.render(
            site: initializer.site, device: initializer.device, mqttURL: initializer.mqttURL, nfcConnection: initializer.nfcConnection,
            database: Self.stateDirectory + "/gatehouse.sqlite")
        try SecretFile.write(config, to: configPath, mode: 0o640, overwrite: true)
        chown(configPath, 0, gid)
        return [configPath] + written
    }

    private static func directory(_ path: String, mode: mode_t, owner: uid_t, group: gid_t) throws(AdminError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw AdminError(.io, "\(path): cannot create the directory: \(error.localizedDescription)")
        }
        guard chown(path, owner, group) == 0, chmod(path, mode) == 0 else {
            throw AdminError(.io, "\(path): cannot set its owner and mode: \(String(cString: strerror(errno))) (run as root)")
        }
    }
}
