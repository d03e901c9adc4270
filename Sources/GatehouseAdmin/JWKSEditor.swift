import Foundation
import GatehouseCore

/// Key rotation in trust files (JWKS): merging sets and removing a key, each file checked as a
/// device checks it (public Ed25519 keys only, each `kid` once), the keys' own members kept.
public enum JWKSEditor {
    /// One trust file as read.
    public struct File: Sendable {
        public var path: String
        public var keys: [JSONObject]

        /// The file's key ids, in order.
        public var kids: [String] { keys.compactMap { $0.string("kid") } }
    }

    /// Reads and checks a trust file.
    public static func read(_ path: String) throws(AdminError) -> File {
        guard let data = FileManager.default.contents(atPath: path) else { throw AdminError(.io, "\(path): cannot read the file") }
        if case .object(let single)? = try? JSONReader.parse(Array(data)), single["d"] != nil {
            throw AdminError(.key, "\(path): a private key (it has d); a trust file takes public keys only: use the .jwks beside it")
        }
        do {
            _ = try TrustSet(jwks: data, purpose: .bundle)
        } catch {
            throw AdminError(.key, "\(path): \(error.message)")
        }
        guard case .object(let object)? = try? JSONReader.parse(Array(data)) else { throw AdminError(.key, "\(path): not a JSON object") }
        return File(path: path, keys: object.objects("keys"))
    }

    /// The union of the files' keys, in order of first appearance. A `kid` in two files must be
    /// the same key; two different keys under one `kid` are refused, naming both files.
    public static func merge(_ files: [File]) throws(AdminError) -> [JSONObject] {
        var merged: [JSONObject] = []
        var origin: [String: (file: String, key: JSONObject)] = [:]
        for file in files {
            for key in file.keys {
                guard let kid = key.string("kid") else { continue }
                if let seen = origin[kid] {
                    guard seen.key.string("x") == key.string("x") else {
                        throw AdminError(.key, "kid \"\(kid)\" names two different keys: in \(seen.file) and in \(file.path); give one of them a new kid")
                    }
                    continue
                }
                origin[kid] = (file.path, key)
                merged.append(key)
            }
        }
        return merged
    }

    /// The file's keys without `kid`. Refused when the file has no such key (its kids are
    /// named) or when it is the last key, which would leave the device trusting nothing.
    public static func remove(_ kid: String, from file: File) throws(AdminError) -> [JSONObject] {
        guard file.kids.contains(kid) else {
            throw AdminError(.input, "\(file.path) has no key \"\(kid)\"; its keys: \(file.kids.joined(separator: ", "))")
        }
        let remaining = file.keys.filter { $0.string("kid") != kid }
        guard !remaining.isEmpty else {
            throw AdminError(.input, "\"\(kid)\" is the last key in \(file.path): without it the device would accept nothing signed for it; merge the new key in first")
        }
        return remaining
    }

    /// A trust file's text for `keys`.
    public static func text(_ keys: [JSONObject]) -> String {
        JSONValue.object(JSONObject([("keys", .array(keys.map(JSONValue.object)))])).serialized + "\n"
    }
}
