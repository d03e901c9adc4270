import Foundation
import GatehouseCore

/// `gatehouse init`: a complete, valid device directory for a new site, with fresh keys.
public struct SiteInitializer {
    /// The files written, relative to the output directory.
    public static let configFile = "gatehouse.toml"

    public var site: String
    public var device: String
    public var mqttURL: String?
    public var nfcConnection: String?

    public init(site: String, device: String, mqttURL: String? = nil, nfcConnection: String? = nil) {
        self.site = site
        self.device = device
        self.mqttURL = mqttURL
        self.nfcConnection = nfcConnection
    }

    /// Writes the directory; refuses to overwrite any file that exists. Returns the paths written.
    public func write(to directory: String) throws(AdminError) -> [String] {
        try validate()
        let config = ConfigTemplate.render(site: site, device: device, mqttURL: mqttURL, nfcConnection: nfcConnection)
        return try writeChecked(configPath: directory + "/" + Self.configFile, config: config, directory: directory)
    }

    /// The site, device and broker URL, checked.
    func validate() throws(AdminError) {
        guard Identifier.isValid(site) else { throw AdminError(.input, "--site: \"\(site)\" is not an id (1 to 64 characters from [A-Za-z0-9._:-])") }
        guard Identifier.isValid(device), device != "all" else {
            throw AdminError(.input, "--device: \"\(device)\" is not a device id (an id other than \"all\")")
        }
        if let mqttURL, MQTTConfig.parseURL(mqttURL) == nil {
            throw AdminError(.input, "--mqtt: expected mqtt://HOST:PORT or mqtts://HOST:PORT, got \"\(mqttURL)\"")
        }
    }

    /// Writes the directory once the request is checked.
    private func writeChecked(configPath: String, config: String, directory: String) throws(AdminError) -> [String] {
        guard !FileManager.default.fileExists(atPath: configPath) else {
            throw AdminError(.exists, "\(configPath): exists already; refusing to overwrite it")
        }
        var written: [String] = []
        for purpose in KeyPurpose.allCases {
            let key = try SigningKey.generate(kid: "\(site)-\(purpose.rawValue)-1")
            let privatePath = "\(directory)/keys/private/\(purpose.rawValue).jwk"
            let publicPath = "\(directory)/keys/\(purpose.rawValue).jwks"
            try SecretFile.write(key.privateJWK, to: privatePath, mode: 0o600)
            try SecretFile.write(SigningKey.jwks([key]), to: publicPath, mode: 0o644)
            written += [publicPath, privatePath]
        }
        chmod(directory + "/keys/private", 0o700)
        do {
            try FileManager.default.createDirectory(atPath: directory + "/state", withIntermediateDirectories: true)
        } catch {
            throw AdminError(.io, "\(directory)/state: \(error.localizedDescription)")
        }
        try SecretFile.write(config, to: configPath, mode: 0o644)
        return [configPath] + written
    }
}
