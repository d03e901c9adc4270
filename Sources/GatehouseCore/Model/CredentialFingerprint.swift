import Crypto

/// The published stand-in for a credential value: the first 16 hex digits of SHA-256 of
/// `{site}:{value}` (protocol section 5). Raw UIDs and tokens never leave the device.
public enum CredentialFingerprint {
    public static func of(site: String, value: String) -> String {
        Hex.lowercase(SHA256.hash(data: Array("\(site):\(value)".utf8)).prefix(8))
    }
}
