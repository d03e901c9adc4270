import Foundation
import GatehouseCore

/// `backup.json`, written and read.
extension StateBackup {
    static func manifestJSON(_ manifest: Manifest) -> String {
        JSONValue.object(JSONObject([
            ("format", .string(format)), ("site", .string(manifest.site)), ("device", .string(manifest.device)),
            ("software", .string(manifest.software)), ("created_at", .string(manifest.createdAt.rfc3339)),
            ("state_file", .string(manifest.stateFile)), ("policy_file", manifest.policyFile.map(JSONValue.string) ?? .null),
            ("bundle_version", manifest.bundleVersion.map(JSONValue.integer) ?? .null), ("next_seq", .integer(manifest.nextSeq)),
            ("sha256", .object(JSONObject(manifest.sha256.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))),
        ])).serialized + "\n"
    }

    /// The manifest of the backup in `directory`, its shape checked.
    public static func readManifest(_ directory: String) throws(StoreError) -> Manifest {
        let path = directory + "/" + manifestName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StoreError(.backup, "\(path): missing: \(directory) is not a backup made by `gatehouse backup`")
        }
        guard case .object(let object)? = try? JSONReader.parse(Array(data)), object.string("format") == format else {
            throw StoreError(.backup, "\(path): not a \(format) manifest")
        }
        func required(_ key: String) throws(StoreError) -> String {
            guard let value = object.string(key), !value.isEmpty else { throw StoreError(.backup, "\(path): `\(key)` is missing") }
            return value
        }
        let created = try required("created_at")
        guard let createdAt = Timestamp(rfc3339: created) else { throw StoreError(.backup, "\(path): `created_at` is not a time: \(created.prefix(40))") }
        guard let nextSeq = object.integer("next_seq"), nextSeq >= 1 else { throw StoreError(.backup, "\(path): `next_seq` is missing or below 1") }
        let stateFile = try required("state_file")
        let policyFile = object.string("policy_file")
        for file in [stateFile] + (policyFile.map { [$0] } ?? []) where file.contains("/") || file.hasPrefix(".") {
            throw StoreError(.backup, "\(path): `\(file)` is not a plain file name")
        }
        var sha256: [String: String] = [:]
        for (key, value) in object.object("sha256")?.members ?? [] {
            if case .string(let hex) = value { sha256[key] = hex }
        }
        return Manifest(
            site: try required("site"), device: try required("device"), software: object.string("software") ?? "unknown", createdAt: createdAt,
            stateFile: stateFile, policyFile: policyFile, bundleVersion: object.integer("bundle_version"), nextSeq: nextSeq, sha256: sha256)
    }
}
