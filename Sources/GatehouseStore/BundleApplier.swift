import Foundation
import GRDB
import GatehouseCore
import GatehouseThreads

/// How far an apply has come, for progress bars.
public struct BundleProgress: Sendable, Equatable {
    public var bytesRead: Int64
    public var totalBytes: Int64?
    public var records: Int64

    public init(bytesRead: Int64, totalBytes: Int64?, records: Int64) {
        self.bytesRead = bytesRead
        self.totalBytes = totalBytes
        self.records = records
    }
}

/// What an accepted bundle did to the cache.
public enum BundleApplyOutcome: Sendable, Equatable {
    case applied(BundleManifest)
    /// The same version and hash were already applied.
    case noop(BundleManifest)
}

/// Why a bundle was not applied: refused by the contract's rules, or the store failed.
public enum BundleApplyFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case refused(BundleRefusal)
    case store(StoreError)

    public var description: String {
        switch self {
        case .refused(let refusal): "refused: \(refusal)"
        case .store(let error): "\(error)"
        }
    }
}

/// Verifies a bundle and applies it to the policy cache, then reports it in the event log.
///
/// A **snapshot** is loaded into a fresh policy file (``SnapshotLoader``), renamed into place
/// and swapped in by one commit of the state database that also stores its
/// `system.bundle_applied` event. A **delta** is applied to the file in force in one
/// transaction of that file, then reported; a crash between the two is reported at the next
/// start (``reportUnreported()``). Neither holds the state database's write lock beyond that
/// one short commit, so decisions and their events never wait for a bundle, and readers of the
/// policy see the version before it until it is in force. A refusal or failure leaves the
/// cache as it was and, for a refusal, stores `system.bundle_rejected`.
public struct BundleApplier: Sendable {
    /// The longest manifest line read, and the longest record line.
    public static let maximumManifestLength = 64 * 1024
    public static let maximumRecordLength = 1024 * 1024

    public let database: GatehouseDatabase
    public let trust: TrustSet
    public let site: String
    public let device: String
    public let now: @Sendable () -> Timestamp
    /// Where the bundles applied and refused are reported.
    let eventLog: EventLog

    /// `eventLog`: the log to report to; by default one on `database` that tells no one.
    public init(
        database: GatehouseDatabase, trust: TrustSet, site: String, device: String, eventLog: EventLog? = nil, now: @escaping @Sendable () -> Timestamp
    ) {
        precondition(trust.purpose == .bundle, "bundles are verified with bundle keys only")
        self.database = database
        self.trust = trust
        self.site = site
        self.device = device
        self.eventLog = eventLog ?? EventLog(database: database, site: site, device: device)
        self.now = now
    }

    /// Applies `source` and stores the event that reports it (none for a no-op). `progress` is
    /// called about every mebibyte read.
    public func apply(_ source: BundleSource, origin: BundleOrigin = .local, progress: (BundleProgress) -> Void = { _ in }) throws(BundleApplyFailure) -> BundleApplyOutcome {
        do {
            return try withoutActuallyEscaping(progress) { progress in try install(source, origin: origin, progress: progress) }
        } catch let refusal as BundleRefusal {
            report(refusal, origin: origin)
            throw .refused(refusal)
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .store(StoreError(.sqlite, "\(error)"))
        }
    }

    /// Checks `source` exactly as ``apply(_:origin:progress:)`` would, against an empty cache (a
    /// delta is taken as fitting its base), in a scratch file that is removed after. Stores
    /// nothing. Returns the records per type.
    public func verify(_ source: BundleSource, progress: (BundleProgress) -> Void = { _ in }) throws(BundleApplyFailure) -> (outcome: BundleApplyOutcome, counts: [RecordType: Int]) {
        let scratch = NSTemporaryDirectory() + "/gatehouse-verify-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        do {
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            let (manifestLength, manifestText, reader) = try Self.openManifest(source)
            var context = BundleAdmission.Context(site: site, device: device, applied: nil)
            if let base = Self.peekDeltaBase(manifestText, trust: trust) {
                context.applied = AppliedBundle(version: base, kind: .snapshot, sha256: "", appliedAt: now())
            }
            let manifest: BundleManifest
            switch BundleAdmission.admit(manifestLine: manifestText, trust: trust, context: context) {
            case .failure(let refusal): throw refusal
            case .success(.noop(let noop)): return (.noop(noop), [:])
            case .success(.apply(let admitted)): manifest = admitted
            }
            return try withoutActuallyEscaping(progress) { progress in
                let body = Body(manifest: manifest, reader: reader, offset: manifestLength, totalBytes: source.totalBytes, progress: progress)
                let path = scratch + "/verify.sqlite"
                if manifest.kind == .snapshot {
                    return (.applied(manifest), try SnapshotLoader(path: path).load(body, origin: .local, appliedAt: now()))
                }
                let file = try PolicyFile(path: path, creating: true)
                return (.applied(manifest), try applyDelta(body, to: file, origin: .local))
            }
        } catch let refusal as BundleRefusal {
            throw .refused(refusal)
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .store(StoreError(.sqlite, "\(error)"))
        }
    }

    private func install(_ source: BundleSource, origin: BundleOrigin, progress: @escaping (BundleProgress) -> Void) throws -> BundleApplyOutcome {
        // A delta an earlier apply left unreported (a crash, a store failure) is reported
        // first, so that the reports stay in the order the bundles came in force.
        try reportUnreported()
        let (manifestLength, manifestText, reader) = try Self.openManifest(source)
        let current = try database.openPolicy(forWriting: true)
        let context = BundleAdmission.Context(site: site, device: device, applied: try current?.appliedBundle())
        let manifest: BundleManifest
        switch BundleAdmission.admit(manifestLine: manifestText, trust: trust, context: context) {
        case .failure(let refusal): throw refusal
        case .success(.noop(let noop)): return .noop(noop)
        case .success(.apply(let admitted)): manifest = admitted
        }
        try checkSpace(for: manifest)
        let body = Body(manifest: manifest, reader: reader, offset: manifestLength, totalBytes: source.totalBytes, progress: progress)
        do {
            if manifest.kind == .snapshot {
                try swapIn(body, origin: origin)
                return .applied(manifest)
            }
            // Admission refuses a delta with no bundle in force (base_mismatch).
            guard let current else { throw BundleRefusal(.baseMismatch, "no bundle is in force for this delta", manifest: manifest) }
            _ = try applyDelta(body, to: current, origin: origin)
        } catch where Self.isDiskFull(error) {
            throw Self.noSpace(manifest)
        }
        FaultPoint.reach(.deltaCommitted)
        // The delta is in force: a failure to report it now leaves it to the next apply or
        // the next start, which report it; it is applied all the same.
        try? report(manifest, origin: origin)
        return .applied(manifest)
    }

    /// Loads a snapshot into the next generation's file, renames it into place, and moves the
    /// pointer to it with its event; then removes the file it replaced.
    private func swapIn(_ body: Body, origin: BundleOrigin) throws {
        let pointer = try database.policyPointer()
        let generation = pointer.generation + 1
        let name = database.policyFileName(generation: generation)
        let final = database.directory + "/" + name
        let loading = final + GatehouseDatabase.loadingSuffix
        let appliedAt = now()
        _ = try SnapshotLoader(path: loading).load(body, origin: origin, appliedAt: appliedAt)
        FaultPoint.reach(.snapshotLoaded)
        do {
            Durability.removeDatabase(final)
            guard rename(loading, final) == 0 else { throw StoreError(.io, "cannot rename \(loading) to \(name): \(String(cString: strerror(errno)))") }
            try Durability.syncDirectory(database.directory)
            FaultPoint.reach(.snapshotRenamed)
            let manifest = body.manifest
            let applied = AppliedBundle(version: manifest.version, kind: manifest.kind, sha256: manifest.sha256, appliedAt: appliedAt, expires: manifest.expires)
            _ = try database.commitSwap(to: name, generation: generation, reported: applied, events: [event(for: manifest, origin: origin)], log: eventLog)
        } catch {
            Durability.removeDatabase(loading)
            Durability.removeDatabase(final)
            throw error
        }
        // The swap's commit reaches the disk before the file it replaced leaves it: the state
        // database syncs its log only at checkpoints (synchronous = NORMAL), and a power cut
        // that lost the commit must find the old file still there.
        try Durability.sync(database.path + "-wal")
        // The replaced file may still be open in a reader: on Linux it reads on until it moves
        // to the new one, and the space comes back when it closes.
        _ = try? database.removeUnusedPolicyFiles(includingLoading: false)
    }

    /// Applies a delta to `file` in one transaction; returns the records per type after it.
    private func applyDelta(_ body: Body, to file: PolicyFile, origin: BundleOrigin) throws -> [RecordType: Int] {
        let counts = try file.pool.writeWithoutTransaction { db in
            var counts: [RecordType: Int] = [:]
            try db.inTransaction {
                try Self.write(body, with: try PolicyCacheWriter(db, replacing: true))
                try Self.record(body.manifest, origin: origin, appliedAt: now(), db: db)
                counts = try PolicyFile.counts(db)
                return .commit
            }
            return counts
        }
        // On the disk before its event can be: a power cut never leaves an event for a delta
        // that was lost.
        if FileManager.default.fileExists(atPath: file.path + "-wal") { try Durability.sync(file.path + "-wal") }
        return counts
    }

    /// Reads the manifest line; returns its length with the newline, its text, and the reader
    /// positioned after it.
    private static func openManifest(_ source: BundleSource) throws -> (Int64, String, ChunkReader) {
        let reader = try source.open()
        guard let manifestLine = try reader.readLine(limit: Self.maximumManifestLength),
            let manifestText = String(validating: manifestLine, as: UTF8.self)
        else {
            throw BundleRefusal(.malformed, "the bundle does not start with a manifest line (a JWT of at most 64 KiB, then a newline)")
        }
        return (Int64(manifestLine.count + 1), manifestText, reader)
    }

    /// A verified delta manifest's base, so that a dry run can take it as applied.
    private static func peekDeltaBase(_ manifestLine: String, trust: TrustSet) -> Int64? {
        guard case .success(let verified) = trust.verify(manifestLine, as: BundleManifestClaims.self),
            verified.claims.bundle.kind == .delta
        else { return nil }
        return verified.claims.bundle.base
    }
}
