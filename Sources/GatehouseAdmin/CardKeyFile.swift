import Crypto
import Foundation
import GatehouseCore

/// Makes a site card master key (16 random bytes) in a device secrets file, under
/// `[card_master_keys]` with the next key version: the first is version 1; each later one is a
/// rotation (cards issued from then on get it; cards issued before keep working while the old
/// version stays in the file). A new file is made mode 0600.
public enum CardKeyFile {
    /// Writes a new master key to `path`; its key version.
    public static func generate(at path: String) throws(AdminError) -> Int {
        let key = SymmetricKey(size: .bits128).withUnsafeBytes { Hex.lowercase($0) }
        guard FileManager.default.fileExists(atPath: path) else {
            try SecretFile.write(
                "# Gatehouse device secrets: keep this file mode 0600; never print or mail it.\n[card_master_keys]\n1 = \"\(key)\"\n", to: path, mode: 0o600)
            return 1
        }
        let (text, secrets) = try SecretFile.readSecrets(path)
        let version = (secrets.cardMasterKeys.keys.max() ?? 0) + 1
        guard version <= 255 else { throw AdminError(.exists, "\(path) has key version 255 already; remove retired versions first") }
        let line = "\(version) = \"\(key)\""
        var lines = text.components(separatedBy: "\n")
        if let header = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "[card_master_keys]" }) {
            lines.insert(line, at: header + 1)
        } else if secrets.cardMasterKeys.isEmpty {
            if lines.last == "" { lines.removeLast() }
            lines += ["", "[card_master_keys]", line, ""]
        } else {
            throw AdminError(.input, "\(path): the card master keys are not under a plain [card_master_keys] line; add version \(version) by hand")
        }
        try SecretFile.replace(path, with: lines.joined(separator: "\n"))
        return version
    }
}
