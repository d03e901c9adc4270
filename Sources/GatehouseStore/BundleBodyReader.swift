import Foundation
import GatehouseCore
import GatehouseGzip
import GatehouseThreads

/// Decoded body lines, handed from the reading thread to the writing one.
struct DecodedBatch: Sendable {
    var operations: [(operation: BundleOperation, line: Int)] = []
    /// Bytes of the bundle read so far, and records counted so far, for progress.
    var bytesRead: Int64 = 0
    var records: Int64 = 0
}

/// What the reading thread found in the body.
struct BodyReadResult: Sendable {
    var check: BundleBodyCheck
    /// The first line that is not a valid record (line 0: the gzip encoding itself).
    var firstProblem: (line: Int, problem: MalformedRecord)?
    /// The bundle could not be read.
    var readError: StoreError?
}

/// Reads, hashes, decompresses and decodes a bundle body on a thread of its own, handing
/// batches of operations to the writer through a bounded channel, so that decoding on one core
/// and SQLite on the other overlap. After a malformed record it decodes no more, but still hashes
/// to the end: a tampered body is reported as a hash mismatch, not as whatever broke first.
// Safe to share across threads: the reading thread alone touches the mutable state until it
// returns; the writer reads `result` only after joining it, and `thread` is set by `start()`
// before anyone joins.
final class BundleBodyReader: @unchecked Sendable {
    static let batchSize = 512

    private let manifest: BundleManifest
    private let reader: ChunkReader
    private let channel: BlockingQueue<DecodedBatch>
    private var thread: DedicatedThread?
    private var bytesRead: Int64
    private var result = BodyReadResult(check: BundleBodyCheck())
    private var splitter = LineSplitter(maximumLineLength: BundleApplier.maximumRecordLength)
    private var splitterFailed = false
    private var batch = DecodedBatch()
    private var stopped = false

    /// `reader` is handed over: from `start()` on, only the reading thread uses it.
    init(manifest: BundleManifest, reader: ChunkReader, bytesAlreadyRead: Int64, channel: BlockingQueue<DecodedBatch>) {
        self.manifest = manifest
        self.reader = reader
        self.channel = channel
        self.bytesRead = bytesAlreadyRead
    }

    func start() {
        precondition(thread == nil, "a body is read once")
        thread = DedicatedThread(name: "gatehouse.bundle-reader") { [self] in
            run()
            channel.close()
        }
    }

    /// Waits for the reading thread to finish and returns what it found.
    func waitUntilDone() -> BodyReadResult {
        thread?.joinBlocking()
        return result
    }

    private func run() {
        do {
            let decoder = manifest.encoding == .ndjsonGzip ? try GzipDecoder() : nil
            while !stopped, let chunk = try reader.read() {
                chunk.withUnsafeBytes { bytes in
                    result.check.consume(bytes)
                    if let decoder {
                        do {
                            try decoder.push(bytes) { push($0) }
                        } catch {
                            noteGzipProblem(error)
                        }
                    } else {
                        push(bytes)
                    }
                }
                bytesRead += Int64(chunk.count)
            }
            if let decoder, !stopped {
                do { try decoder.finish() } catch { noteGzipProblem(error) }
            }
            if !splitterFailed && !stopped {
                do {
                    try splitter.finish { line, number in handle(line, number) }
                } catch let tooLong as LineSplitter.LineTooLong {
                    note(tooLong)
                }
            }
            flush()
        } catch let error as StoreError {
            result.readError = error
        } catch {
            result.readError = StoreError(.io, "\(error)")
        }
    }

    private func push(_ bytes: UnsafeRawBufferPointer) {
        guard !splitterFailed, !stopped else { return }
        do {
            try splitter.push(bytes) { line, number in handle(line, number) }
        } catch let tooLong as LineSplitter.LineTooLong {
            note(tooLong)
        } catch {
            preconditionFailure("the line handler does not throw")
        }
    }

    private func handle(_ line: UnsafeRawBufferPointer, _ number: Int) {
        result.check.countRecord()
        guard result.firstProblem == nil else { return }
        do throws(MalformedRecord) {
            let operation = try BundleOperation.decode(line: line, isKnownTimeZone: { TimeZone(identifier: $0) != nil })
            if manifest.kind == .snapshot, case .delete = operation {
                throw MalformedRecord(field: "op", problem: "a snapshot holds only puts")
            }
            batch.operations.append((operation, number))
            if batch.operations.count >= Self.batchSize { flush() }
        } catch {
            result.firstProblem = (number, error)
        }
    }

    private func flush() {
        guard !batch.operations.isEmpty else { return }
        batch.bytesRead = bytesRead
        batch.records = result.check.recordsSeen
        if !channel.send(batch) { stopped = true }
        batch = DecodedBatch()
        batch.operations.reserveCapacity(Self.batchSize)
    }

    private func noteGzipProblem(_ error: any Error) {
        if result.firstProblem == nil {
            result.firstProblem = (0, MalformedRecord(field: "", problem: "the gzip encoding is broken: \(error)"))
        }
        splitterFailed = true
    }

    private func note(_ tooLong: LineSplitter.LineTooLong) {
        splitterFailed = true
        if result.firstProblem == nil {
            result.firstProblem = (tooLong.lineNumber, MalformedRecord(field: "", problem: "the line is longer than \(BundleApplier.maximumRecordLength) bytes"))
        }
    }
}
