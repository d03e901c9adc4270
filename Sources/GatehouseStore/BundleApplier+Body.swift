import GRDB
import GatehouseCore
import GatehouseThreads

extension BundleApplier {
    /// The part of a bundle after its manifest line, and how to report progress on it.
    struct Body {
        var manifest: BundleManifest
        var reader: ChunkReader
        /// The manifest line's length with its newline: where the body starts.
        var offset: Int64
        var totalBytes: Int64?
        var progress: (BundleProgress) -> Void
    }

    /// Streams `body`'s operations through `writer`, inside the caller's transaction, then runs
    /// the checks of the whole body: its hash, the first malformed or duplicate record (by
    /// line), its count. Throws the refusal; returns normally when every record went in.
    static func write(_ body: Body, with writer: PolicyCacheWriter) throws {
        // Decoding runs on the reading thread while this one writes: the two overlap.
        let channel = BlockingQueue<DecodedBatch>(capacity: 8)
        let reading = BundleBodyReader(manifest: body.manifest, reader: body.reader, bytesAlreadyRead: body.offset, channel: channel)
        reading.start()
        var writeProblem: (line: Int, reason: BundleRefusalReason, detail: String)?
        var reported: Int64 = 0
        do {
            while case .element(let batch) = channel.next() {
                if batch.bytesRead - reported >= 1 << 20 {
                    reported = batch.bytesRead
                    body.progress(BundleProgress(bytesRead: batch.bytesRead, totalBytes: body.totalBytes, records: batch.records))
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
                    } catch let failed as BoundStatementError where failed.isFull {
                        throw BundleApplier.noSpace(body.manifest)
                    } catch let failed as BoundStatementError {
                        throw StoreError(.sqlite, failed.message)
                    }
                }
            }
        } catch {
            // The store failed (a full disk, say): stop the reading thread before leaving.
            channel.cancel()
            _ = reading.waitUntilDone()
            throw error
        }
        let read = reading.waitUntilDone()
        if let error = read.readError { throw error }
        let manifest = body.manifest
        body.progress(BundleProgress(bytesRead: read.check.bytesSeen + body.offset, totalBytes: body.totalBytes, records: read.check.recordsSeen))

        if let refusal = read.check.integrityRefusal(for: manifest) { throw refusal }
        let problems = [read.firstProblem.map { (line: $0.line, reason: BundleRefusalReason.malformed, detail: "\($0.problem)") }, writeProblem].compactMap { $0 }
        if let first = problems.min(by: { $0.line < $1.line }) {
            throw BundleRefusal(first.reason, first.line > 0 ? "body line \(first.line): \(first.detail)" : "body: \(first.detail)", manifest: manifest)
        }
        if let refusal = read.check.countRefusal(for: manifest) { throw refusal }
    }

    /// Stores `manifest` as the bundle this policy file holds, inside the caller's transaction.
    static func record(_ manifest: BundleManifest, origin: BundleOrigin, appliedAt: Timestamp, db: Database) throws {
        let appliedAt = appliedAt.millisecondsSinceEpoch
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO bundle_state (id, version, kind, sha256, applied_at, expires, key_id, records, issued_at, issuer, origin)
                VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                manifest.version, manifest.kind.rawValue, manifest.sha256, appliedAt, manifest.expires?.millisecondsSinceEpoch, manifest.keyID,
                manifest.records, manifest.issuedAt.millisecondsSinceEpoch, manifest.issuer, origin.rawValue,
            ])
        try db.execute(
            sql: "INSERT OR REPLACE INTO bundle_log (version, kind, sha256, records, applied_at, key_id, issuer, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            arguments: [manifest.version, manifest.kind.rawValue, manifest.sha256, manifest.records, appliedAt, manifest.keyID, manifest.issuer, origin.rawValue])
    }
}
