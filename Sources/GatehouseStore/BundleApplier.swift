import Foundation
import GRDB
import GatehouseCore
import GatehouseThreads

/// How far an apply has come, for progress bars.
public struct BundleProgress: Sendable, Equatable {
    public var bytesRead: Int64
    public var totalBytes: Int64?
    public var records: Int64
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

/// Verifies a bundle and applies it to the cache in one transaction, streaming the body so that
/// memory stays bounded whatever its size. A refusal or failure rolls back: the cache stays
/// exactly as it was.
public struct BundleApplier: Sendable {
    /// The longest manifest line read, and the longest record line.
    public static let maximumManifestLength = 64 * 1024
    public static let maximumRecordLength = 1024 * 1024

    public let database: GatehouseDatabase
    public let trust: TrustSet
    public let site: String
    public let device: String
    public let now: @Sendable () -> Timestamp

    public init(database: GatehouseDatabase, trust: TrustSet, site: String, device: String, now: @escaping @Sendable () -> Timestamp) {
        precondition(trust.purpose == .bundle, "bundles are verified with bundle keys only")
        self.database = database
        self.trust = trust
        self.site = site
        self.device = device
        self.now = now
    }

    /// Applies `source`. `progress` is called about every mebibyte read.
    public func apply(_ source: BundleSource, progress: (BundleProgress) -> Void = { _ in }) throws(BundleApplyFailure) -> BundleApplyOutcome {
        try run(source, dryRun: false, progress: progress).outcome
    }

    /// Checks `source` exactly as ``apply(_:progress:)`` would, against an empty cache (a
    /// delta is taken as fitting its base), then rolls back. Returns the records per type.
    public func verify(_ source: BundleSource, progress: (BundleProgress) -> Void = { _ in }) throws(BundleApplyFailure) -> (outcome: BundleApplyOutcome, counts: [RecordType: Int]) {
        try run(source, dryRun: true, progress: progress)
    }

    private func run(_ source: BundleSource, dryRun: Bool, progress: (BundleProgress) -> Void) throws(BundleApplyFailure) -> (outcome: BundleApplyOutcome, counts: [RecordType: Int]) {
        let reader: ChunkReader
        do {
            reader = try source.open()
        } catch {
            throw .store(error)
        }
        do {
            return try database.pool.writeWithoutTransaction { db in
                var result: (outcome: BundleApplyOutcome, counts: [RecordType: Int])?
                try db.inTransaction {
                    let outcome = try applyInTransaction(db, reader: reader, total: source.totalBytes, dryRun: dryRun, progress: progress)
                    result = (outcome, dryRun ? try GatehouseDatabase.counts(db) : [:])
                    return dryRun ? .rollback : .commit
                }
                return result!
            }
        } catch let refusal as BundleRefusal {
            throw .refused(refusal)
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .store(StoreError(.sqlite, "\(error)"))
        }
    }

    private func applyInTransaction(_ db: Database, reader: ChunkReader, total: Int64?, dryRun: Bool, progress: (BundleProgress) -> Void) throws -> BundleApplyOutcome {
        guard let manifestLine = try reader.readLine(limit: Self.maximumManifestLength),
            let manifestText = String(validating: manifestLine, as: UTF8.self)
        else {
            throw BundleRefusal(.malformed, "the bundle does not start with a manifest line (a JWT of at most 64 KiB, then a newline)")
        }
        var context = BundleAdmission.Context(site: site, device: device, applied: try GatehouseDatabase.appliedBundle(db))
        if dryRun {
            context.applied = nil
            if let base = Self.peekDeltaBase(manifestText, trust: trust) {
                context.applied = AppliedBundle(version: base, kind: .snapshot, sha256: "", appliedAt: now())
            }
        }
        let manifest: BundleManifest
        switch BundleAdmission.admit(manifestLine: manifestText, trust: trust, context: context) {
        case .failure(let refusal): throw refusal
        case .success(.noop(let noop)): return .noop(noop)
        case .success(.apply(let admitted)): manifest = admitted
        }

        let writer = try PolicyCacheWriter(db, replacing: manifest.kind == .delta)
        if manifest.kind == .snapshot { try writer.clear() }

        // Decoding runs on the reading thread while this one writes: the two overlap.
        let channel = BlockingQueue<DecodedBatch>(capacity: 8)
        let body = BundleBodyReader(manifest: manifest, reader: reader, bytesAlreadyRead: Int64(manifestLine.count + 1), channel: channel)
        body.start()
        var writeProblem: (line: Int, reason: BundleRefusalReason, detail: String)?
        var reported: Int64 = 0
        do {
            while case .element(let batch) = channel.next() {
                if batch.bytesRead - reported >= 1 << 20 {
                    reported = batch.bytesRead
                    progress(BundleProgress(bytesRead: batch.bytesRead, totalBytes: total, records: batch.records))
                }
                guard writeProblem == nil else { continue }
                for (operation, line) in batch.operations {
                    do {
                        try writer.apply(operation)
                    } catch let failed as BoundStatementError where failed.isConstraint {
                        if let duplicate = try writer.duplicate(of: operation) {
                            writeProblem = (line, .duplicateRecord, duplicate)
                        } else {
                            writeProblem = (line, .malformed, "\(MalformedRecord(field: "", problem: "clashes with another record: \(failed.message)"))")
                        }
                        break
                    } catch let failed as BoundStatementError {
                        throw StoreError(.sqlite, failed.message)
                    }
                }
            }
        } catch {
            // The store failed (a full disk, say): stop the reading thread before leaving.
            channel.cancel()
            _ = body.waitUntilDone()
            throw error
        }
        let read = body.waitUntilDone()
        if let error = read.readError { throw error }
        progress(BundleProgress(bytesRead: read.check.bytesSeen + Int64(manifestLine.count + 1), totalBytes: total, records: read.check.recordsSeen))

        if let refusal = read.check.integrityRefusal(for: manifest) { throw refusal }
        let problems = [read.firstProblem.map { (line: $0.line, reason: BundleRefusalReason.malformed, detail: "\($0.problem)") }, writeProblem].compactMap { $0 }
        if let first = problems.min(by: { $0.line < $1.line }) {
            throw BundleRefusal(first.reason, first.line > 0 ? "body line \(first.line): \(first.detail)" : "body: \(first.detail)", manifest: manifest)
        }
        if let refusal = read.check.countRefusal(for: manifest) { throw refusal }
        try record(manifest, db: db)
        return .applied(manifest)
    }

    /// A verified delta manifest's base, so that a dry run can take it as applied.
    private static func peekDeltaBase(_ manifestLine: String, trust: TrustSet) -> Int64? {
        guard case .success(let verified) = trust.verify(manifestLine, as: BundleManifestClaims.self),
            verified.claims.bundle.kind == .delta
        else { return nil }
        return verified.claims.bundle.base
    }

    private func record(_ manifest: BundleManifest, db: Database) throws {
        let appliedAt = now().millisecondsSinceEpoch
        try db.execute(
            sql: """
                INSERT INTO bundle_state (id, version, kind, sha256, applied_at, expires, key_id) VALUES (1, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET version = excluded.version, kind = excluded.kind, sha256 = excluded.sha256,
                    applied_at = excluded.applied_at, expires = excluded.expires, key_id = excluded.key_id
                """,
            arguments: [manifest.version, manifest.kind.rawValue, manifest.sha256, appliedAt, manifest.expires?.millisecondsSinceEpoch, manifest.keyID])
        try db.execute(
            sql: "INSERT OR REPLACE INTO bundle_log (version, kind, sha256, records, applied_at, key_id, issuer) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [manifest.version, manifest.kind.rawValue, manifest.sha256, manifest.records, appliedAt, manifest.keyID, manifest.issuer])
    }
}
