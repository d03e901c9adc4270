import Crypto

/// Checks a bundle body against its manifest while it streams: SHA-256 and length of the
/// bytes as sent, and the number of records read from them.
public struct BundleBodyCheck: Sendable {
    private var hasher = SHA256()
    /// Body bytes seen so far, as sent (compressed when the encoding says gzip).
    public private(set) var bytesSeen: Int64 = 0
    /// Records counted so far.
    public private(set) var recordsSeen: Int64 = 0

    public init() {}

    /// Feeds body bytes as sent.
    public mutating func consume(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
        bytesSeen += Int64(bytes.count)
    }

    /// Counts one record.
    public mutating func countRecord() {
        recordsSeen += 1
    }

    /// The hex SHA-256 of everything consumed.
    public func digestHex() -> String {
        Hex.lowercase(hasher.finalize())
    }

    /// Whether the body's bytes are those the manifest signed. A length that differs is a
    /// hash mismatch too: the body is not what was signed (docs/decisions.md).
    public func integrityRefusal(for manifest: BundleManifest) -> BundleRefusal? {
        if bytesSeen != manifest.bytes {
            return BundleRefusal(.hashMismatch, "the body is \(bytesSeen) bytes, the manifest says \(manifest.bytes)", manifest: manifest)
        }
        let digest = digestHex()
        if digest != manifest.sha256 {
            return BundleRefusal(.hashMismatch, "the body's SHA-256 is \(digest), the manifest says \(manifest.sha256)", manifest: manifest)
        }
        return nil
    }

    /// Whether the body held as many records as the manifest says.
    public func countRefusal(for manifest: BundleManifest) -> BundleRefusal? {
        guard recordsSeen != manifest.records else { return nil }
        return BundleRefusal(.countMismatch, "the body holds \(recordsSeen) records, the manifest says \(manifest.records)", manifest: manifest)
    }
}
