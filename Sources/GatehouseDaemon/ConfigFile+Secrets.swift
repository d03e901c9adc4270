import Foundation
import GatehouseCore

extension ConfigFile {
    /// The device secrets file the configuration names (`secrets`), or none. It must belong to
    /// the user reading it (or root) and be readable by no one else (mode 0600 or 0400): a
    /// wider mode is refused, naming the fix. Problems never quote a key.
    public static func secrets(_ config: GatehouseConfig, configPath: String) throws(ConfigError) -> DeviceSecrets {
        guard let file = config.secrets else { return .none }
        return try secrets(at: file, configPath: configPath, key: "secrets")
    }

    /// The secrets file at `file`, checked as above; problems name `configPath` and `key`
    /// (for a command-line option: the option's name).
    public static func secrets(at file: String, configPath: String, key: String) throws(ConfigError) -> DeviceSecrets {
        func problem(_ message: String) -> ConfigError {
            ConfigError(problems: [ConfigProblem(file: configPath, key: key, message: "\(file): \(message)")])
        }
        var info = stat()
        guard stat(file, &info) == 0 else {
            throw problem(
                errno == ENOENT
                    ? "no such file; make it with `gatehouse keys generate-pin-key --out \(file)` (a PIN key) or `gatehouse keys generate-card-key --out \(file)` (a card master key)"
                    : "cannot read it: \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw problem("mode \(String(info.st_mode & 0o777, radix: 8)) lets others read the device's secrets; run: chmod 600 \(file)")
        }
        guard info.st_uid == getuid() || info.st_uid == 0 else {
            throw problem("it belongs to another user (uid \(info.st_uid)); it must be the daemon's own or root's")
        }
        guard let data = FileManager.default.contents(atPath: file) else { throw problem("cannot read it (no permission)") }
        guard let text = String(data: data, encoding: .utf8) else { throw problem("not UTF-8 text") }
        return try DeviceSecrets.parse(toml: text, file: file)
    }
}
