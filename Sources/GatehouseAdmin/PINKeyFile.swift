import Crypto
import Foundation
import GatehouseCore

/// Makes the site's PIN key (contract 7.2: 32 random bytes) in a device secrets file: a new
/// file (mode 0600), or an existing secrets file without one, to which the key is added. A
/// file that has a PIN key already is refused: a new key makes every PIN in every bundle wrong.
public enum PINKeyFile {
    /// Writes a new PIN key to `path`; whether the file was made (true) or added to (false).
    @discardableResult
    public static func generate(at path: String) throws(AdminError) -> Bool {
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Hex.lowercase($0) }
        let line = "pin_key = \"\(key)\"\n"
        guard FileManager.default.fileExists(atPath: path) else {
            try SecretFile.write("# Gatehouse device secrets: keep this file mode 0600; never print or mail it.\n" + line, to: path, mode: 0o600)
            return true
        }
        let (text, secrets) = try SecretFile.readSecrets(path)
        guard secrets.pinKey == nil else {
            throw AdminError(.exists, "\(path) has a PIN key already; a new one would make every PIN in every bundle wrong (remove its pin_key line first if that is what you want)")
        }
        // Top-level keys come before the first table.
        try SecretFile.replace(path, with: line + text)
        return false
    }
}
