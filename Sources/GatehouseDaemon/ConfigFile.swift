import Foundation
import GatehouseCore

/// Reads a configuration file and the trust files it names.
public enum ConfigFile {
    /// Parses and validates the file; relative paths in it are taken from its directory.
    public static func load(_ path: String) throws(ConfigError) -> GatehouseConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(problems: [ConfigProblem(file: path, key: "", message: "cannot read the file (missing, or no permission)")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(problems: [ConfigProblem(file: path, key: "", message: "the file is not UTF-8 text")])
        }
        let config = try GatehouseConfig.parse(toml: text, file: path)
        let directory = (path as NSString).deletingLastPathComponent
        return config.resolvingPaths(relativeTo: directory.isEmpty ? "." : directory)
    }

    /// Loads one trust set; problems name the config key that points at the file.
    public static func trust(_ config: GatehouseConfig, _ purpose: KeyPurpose, configPath: String) throws(ConfigError) -> TrustSet {
        let file = config.trust.path(for: purpose)
        let key = "trust.\(purpose.rawValue)_keys"
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ConfigError(problems: [ConfigProblem(file: configPath, key: key, message: "\(file): cannot read the JWKS file")])
        }
        do {
            return try TrustSet(jwks: data, purpose: purpose)
        } catch {
            throw ConfigError(problems: [ConfigProblem(file: configPath, key: key, message: "\(file): \(error.message)")])
        }
    }

    /// Every problem with the file and the trust files it names; empty when all is well.
    public static func problems(_ path: String) -> [ConfigProblem] {
        let config: GatehouseConfig
        do {
            config = try load(path)
        } catch {
            return error.problems
        }
        var problems: [ConfigProblem] = []
        if let mqtt = config.mqtt {
            let files = [("ca_file", mqtt.caFile), ("cert_file", mqtt.certificateFile), ("key_file", mqtt.keyFile), ("password_file", mqtt.passwordFile)]
            for case let (key, file?) in files where !FileManager.default.isReadableFile(atPath: file) {
                problems.append(ConfigProblem(file: path, key: "mqtt.\(key)", message: "\(file): cannot read the file"))
            }
        }
        for purpose in KeyPurpose.allCases {
            do {
                _ = try trust(config, purpose, configPath: path)
            } catch {
                problems += error.problems
            }
        }
        return problems
    }

    /// The configuration and the invite keys the daemon decides with; every problem is in the
    /// error's message, one per line.
    public static func loadForDaemon(_ path: String) throws(DaemonError) -> (config: GatehouseConfig, inviteKeys: TrustSet) {
        do {
            let config = try load(path)
            return (config, try trust(config, .invite, configPath: path))
        } catch {
            throw DaemonError(.config, error.problems.map(\.description).joined(separator: "\n"))
        }
    }
}
