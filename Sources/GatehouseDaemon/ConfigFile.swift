import Foundation
import GatehouseCore
import GatehouseGPIO

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

    /// The three trust sets the file names, each loaded, and checked apart: a key (by `kid` or
    /// by its public bytes) in two of them is a problem naming both files, since whoever holds
    /// it for one purpose could act for the other (a visitor-token key opening doors).
    public static func trustSets(_ config: GatehouseConfig, configPath: String) throws(ConfigError) -> [KeyPurpose: TrustSet] {
        var sets: [KeyPurpose: TrustSet] = [:]
        var problems: [ConfigProblem] = []
        for purpose in KeyPurpose.allCases {
            do {
                sets[purpose] = try trust(config, purpose, configPath: configPath)
            } catch {
                problems += error.problems
            }
        }
        let purposes = KeyPurpose.allCases
        for (index, first) in purposes.enumerated() {
            for second in purposes[(index + 1)...] {
                guard let a = sets[first], let b = sets[second] else { continue }
                for key in a.sharedKeys(with: b) {
                    problems.append(ConfigProblem(
                        file: configPath, key: "trust",
                        message: "\(config.trust.path(for: first)) (\(first.rawValue) keys) and \(config.trust.path(for: second)) (\(second.rawValue) keys) both trust key \(key); a key is trusted for one purpose only"))
                }
            }
        }
        guard problems.isEmpty else { throw ConfigError(problems: problems) }
        return sets
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
        // The daemon only warns about it, and decides on: metrics never stop a gate.
        var isDirectory: ObjCBool = false
        if let directory = config.metrics.textfileDirectory, !(FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue) {
            problems.append(ConfigProblem(
                file: path, key: "metrics.textfile_dir",
                message: "\(directory): no such directory (node_exporter's textfile collector reads one such as /var/lib/prometheus/node-exporter)"))
        }
        do {
            _ = try trustSets(config, configPath: path)
        } catch {
            problems += error.problems
        }
        do {
            let secrets = try secrets(config, configPath: path)
            // Every OSDP reader runs in a secure channel: it needs its key, or the master key.
            for reader in config.readers {
                guard case .osdp = reader.source, secrets.osdpKeys[reader.id] == nil, secrets.osdpMasterKey == nil else { continue }
                problems.append(ConfigProblem(
                    file: path, key: "readers.\(reader.id)",
                    message: "an OSDP reader runs in a secure channel: put its key under [osdp_keys] \(reader.id), or osdp_master_key, in the secrets file\(config.secrets.map { " (\($0))" } ?? " (set `secrets`)")"))
            }
            // Every reader that authenticates cards needs the site's card master keys.
            for reader in config.readers where reader.cardSecurity.authenticates && secrets.cardMasterKeys.isEmpty {
                problems.append(ConfigProblem(
                    file: path, key: "readers.\(reader.id).card_security",
                    message: "a reader that authenticates \(reader.cardSecurity) cards needs the site's card master keys: put them under [card_master_keys] in the secrets file\(config.secrets.map { " (\($0))" } ?? " (set `secrets`)"); make one with: gatehouse keys generate-card-key"))
            }
        } catch {
            problems += error.problems
        }
        problems += GPIOProbe.problems(config, file: path)
        return problems
    }

    /// The configuration alone, its problems as a `daemon.config` error, one per line; the
    /// daemon reads and checks the trust files itself (`buildDaemon`, a reload).
    public static func loadForDaemonConfig(_ path: String) throws(DaemonError) -> GatehouseConfig {
        do {
            return try load(path)
        } catch {
            throw DaemonError(.config, error.problems.map(\.description).joined(separator: "\n"))
        }
    }

    /// The configuration and the invite keys the daemon decides with; every problem is in the
    /// error's message, one per line.
    public static func loadForDaemon(_ path: String) throws(DaemonError) -> (config: GatehouseConfig, inviteKeys: TrustSet) {
        do {
            let config = try load(path)
            guard let invite = try trustSets(config, configPath: path)[.invite] else { preconditionFailure("every purpose has its set") }
            return (config, invite)
        } catch {
            throw DaemonError(.config, error.problems.map(\.description).joined(separator: "\n"))
        }
    }
}
