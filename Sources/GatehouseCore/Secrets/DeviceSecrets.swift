/// What the device secrets file holds (`secrets` in `gatehouse.toml`, mode 0600): the site's
/// PIN key, and the Secure Channel keys of OSDP readers by reader id. Parsed here; read from
/// disk, with its mode checked, by the daemon. Its description never shows a key.
///
/// ```toml
/// pin_key = "64 hex digits"
/// [osdp_keys]
/// lab-in = "32 hex digits"
/// [card_master_keys]          # by key version, 1 to 255; cards are issued with the newest
/// 1 = "32 hex digits"
/// ```
public struct DeviceSecrets: Sendable, CustomStringConvertible {
    public var pinKey: PINKey?
    /// Each OSDP reader's secure channel base key (16 bytes), by reader id.
    public var osdpKeys: [String: [UInt8]]
    /// The site's OSDP master key (16 bytes): each reader's own key is derived from it and the
    /// reader's cUID, and given to the reader when it is commissioned.
    public var osdpMasterKey: [UInt8]?
    /// The site's card master keys (16 bytes) by key version: DESFire and NTAG 424 keys are
    /// diversified from them per card (``CardKeys``).
    public var cardMasterKeys: [Int: [UInt8]] = [:]

    public init(pinKey: PINKey? = nil, osdpKeys: [String: [UInt8]] = [:]) {
        self.pinKey = pinKey
        self.osdpKeys = osdpKeys
    }

    /// No secrets: no PIN can be checked, no secure channel opened.
    public static let none = DeviceSecrets()

    /// Parses the file's text; `file` names it in every problem. A problem never quotes a key.
    public static func parse(toml text: String, file: String) throws(ConfigError) -> DeviceSecrets {
        let document: [String: ConfigValue]
        do {
            document = try ConfigValue.parseTOML(text)
        } catch {
            // The TOML parser's message may quote the line; only its number is given.
            throw ConfigError(problems: [ConfigProblem(file: file, key: "", message: "TOML syntax error", line: error.line)])
        }
        let reader = ConfigReader(file: file)
        let root = reader.table(document, at: "")
        var secrets = DeviceSecrets()
        root.rejectUnknownKeys(["pin_key", "osdp_keys", "osdp_master_key", "card_master_keys"])
        secrets.osdpMasterKey = hexKey(root, "osdp_master_key", bytes: 16)
        if let text = hexKey(root, "pin_key", bytes: PINKey.byteCount) { secrets.pinKey = PINKey(bytes: text) }
        if let table = root.subtable("osdp_keys") {
            for name in table.values.keys.sorted() {
                guard Identifier.isValid(name) else {
                    reader.report(table.key(name), "expected a reader id")
                    continue
                }
                if let key = hexKey(table, name, bytes: 16) { secrets.osdpKeys[name] = key }
            }
        }
        if let table = root.subtable("card_master_keys") {
            for name in table.values.keys.sorted() {
                guard let version = Int(name), (1...255).contains(version), String(version) == name else {
                    reader.report(table.key(name), "expected a key version from 1 to 255")
                    continue
                }
                if let key = hexKey(table, name, bytes: 16) { secrets.cardMasterKeys[version] = key }
            }
        }
        guard reader.problems.isEmpty else { throw ConfigError(problems: reader.problems) }
        return secrets
    }

    /// A key of `bytes` bytes in hex; the problem names the key, never its value.
    private static func hexKey(_ table: ConfigReader.Table, _ name: String, bytes: Int) -> [UInt8]? {
        guard let value = table.values[name] else { return nil }
        guard case .string(let text) = value, let key = Hex.bytes(text), key.count == bytes else {
            table.reader.report(table.key(name), "expected \(bytes * 2) hex digits (\(bytes) bytes)")
            return nil
        }
        return key
    }

    public var description: String {
        "DeviceSecrets(pin_key: \(pinKey == nil ? "absent" : "present"), osdp_keys: \(osdpKeys.keys.sorted()), osdp_master_key: \(osdpMasterKey == nil ? "absent" : "present"), card_master_keys: versions \(cardMasterKeys.keys.sorted()))"
    }
}
