import Foundation
import GRDB
import GatehouseCore

extension BundleApplier {
    /// `system.bundle_applied` for `manifest`.
    func event(for manifest: BundleManifest, origin: BundleOrigin) -> PendingEvent {
        let time = now()
        return EventFactory(site: site, device: device).bundleApplied(manifest, via: origin.rawValue, at: time, id: EventID.make(at: time))
    }

    /// Stores `system.bundle_applied` for a delta just committed, and marks it reported.
    func report(_ manifest: BundleManifest, origin: BundleOrigin) throws(StoreError) {
        let applied = AppliedBundle(version: manifest.version, kind: manifest.kind, sha256: manifest.sha256, appliedAt: now(), expires: manifest.expires)
        _ = try database.commitReport(of: applied, events: [event(for: manifest, origin: origin)], log: eventLog)
    }

    /// Stores `system.bundle_rejected`; a failure to store it is not the bundle's fault, and the
    /// refusal is thrown to the caller all the same.
    func report(_ refusal: BundleRefusal, origin: BundleOrigin) {
        let time = now()
        _ = try? eventLog.commit([EventFactory(site: site, device: device).bundleRejected(refusal, via: origin.rawValue, at: time, id: EventID.make(at: time))])
    }

    /// What a bundle is expected to take on disk at most while it is applied: a snapshot's new
    /// file (measured at about 100 bytes a record with its indexes, docs/benchmarks.md, while
    /// the old one still holds its own),
    /// a delta's write-ahead log and growth; each with a margin.
    static func bytesNeeded(for manifest: BundleManifest) -> Int64 {
        let margin: Int64 = 4 << 20
        let perRecord: Int64 = manifest.kind == .snapshot ? 256 : 768
        let bodyBytes = manifest.encoding == .ndjson ? manifest.bytes : manifest.bytes * 4
        return max(manifest.records * perRecord, bodyBytes * 2) + margin
    }

    /// Refuses `manifest` with `no_space` before anything is written when the state directory
    /// cannot hold it.
    func checkSpace(for manifest: BundleManifest) throws {
        let needed = Self.bytesNeeded(for: manifest)
        guard let free = DiskSpace.freeBytes(at: database.directory), free < needed else { return }
        throw BundleRefusal(
            .noSpace,
            "applying it needs about \(Self.megabytes(needed)) in \(database.directory), which has \(Self.megabytes(free)) free; the cache is unchanged",
            manifest: manifest)
    }

    /// The refusal for a disk that filled up during the apply, all the same.
    static func noSpace(_ manifest: BundleManifest) -> BundleRefusal {
        BundleRefusal(.noSpace, "the disk filled up while the bundle was being stored; the cache is unchanged", manifest: manifest)
    }

    /// Whether `error` says the disk is full.
    static func isDiskFull(_ error: any Error) -> Bool {
        if let error = error as? DatabaseError { return error.resultCode == .SQLITE_FULL }
        if let error = error as? BoundStatementError { return error.isFull }
        return false
    }

    static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }
}

extension BundleApplier {
    /// Stores `system.bundle_applied` for the bundle in force when no event reports it yet: a
    /// delta whose process died between its commit and its event. Run at start, before the
    /// first decision. Returns the event stored, or nil when there was nothing to report.
    @discardableResult
    public func reportUnreported() throws(StoreError) -> StoredEvent? {
        let pointer = try database.policyPointer()
        guard let file = try database.openPolicy() else { return nil }
        let row: Row? = try file.read { db in
            try Row.fetchOne(db, sql: "SELECT version, kind, sha256, expires, key_id, records, issued_at, issuer, origin FROM bundle_state WHERE id = 1")
        }
        guard let row else { return nil }
        let version: Int64 = row["version"], sha256: String = row["sha256"]
        guard pointer.reportedVersion != version || pointer.reportedSHA256 != sha256 else { return nil }
        let manifest = BundleManifest(
            site: site, issuedAt: Timestamp(millisecondsSinceEpoch: row["issued_at"]), issuer: row["issuer"], version: version,
            kind: BundleManifest.Kind(rawValue: row["kind"]) ?? .delta, sha256: sha256, bytes: 0, records: row["records"], encoding: .ndjson,
            expires: (row["expires"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:)), keyID: row["key_id"])
        let origin = BundleOrigin(rawValue: row["origin"]) ?? .local
        let applied = AppliedBundle(version: version, kind: manifest.kind, sha256: sha256, appliedAt: now(), expires: manifest.expires)
        return try database.commitReport(of: applied, events: [event(for: manifest, origin: origin)], log: eventLog).first
    }
}
