import Foundation
import GatehouseCore
import GatehouseGzip

/// Builds a signed bundle file from JSON Lines and CSV inputs. Every input record is checked
/// with the same rules the device applies, so that nothing is signed that a device would refuse;
/// all problems are reported at once, each with its file and line.
public struct BundleBuilder {
    /// What was built.
    public struct Result: Sendable, Equatable {
        public var records: Int64
        public var bodyBytes: Int64
        public var sha256: String
    }

    /// How many problems are listed before the rest are only counted.
    public static let problemsListed = 50

    public let request: BundleBuildRequest
    public let key: SigningKey

    public init(request: BundleBuildRequest, key: SigningKey) {
        self.request = request
        self.key = key
    }

    /// Builds the bundle at `output`, atomically: nothing is left there on failure.
    public func build(to output: String, issuedAt: Timestamp) async throws(AdminError) -> Result {
        try checkRequest()
        let bodyPath = output + ".body-\(ProcessInfo.processInfo.processIdentifier)"
        defer { try? FileManager.default.removeItem(atPath: bodyPath) }
        let body = try writeBody(to: bodyPath)
        let claims = BundleManifestClaims(
            aud: Audience([request.site]), iat: Double(issuedAt.numericDate), iss: request.issuer,
            bundle: .init(
                version: request.version, kind: request.kind, base: request.base, sha256: body.sha256, bytes: body.bodyBytes,
                records: body.records, encoding: request.gzip ? .ndjsonGzip : .ndjson,
                expires: request.expires.map { Double($0.numericDate) }, devices: request.devices,
                allowEmpty: request.allowEmpty ? true : nil))
        let manifest = try await key.sign(claims)
        let temporary = output + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        do {
            try Data((manifest + "\n").utf8).write(to: URL(fileURLWithPath: temporary))
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            try handle.seekToEnd()
            let source = try FileHandle(forReadingFrom: URL(fileURLWithPath: bodyPath))
            while let chunk = try source.read(upToCount: 1 << 20), !chunk.isEmpty {
                try handle.write(contentsOf: chunk)
            }
            try source.close()
            try handle.close()
            if FileManager.default.fileExists(atPath: output) { try FileManager.default.removeItem(atPath: output) }
            try FileManager.default.moveItem(atPath: temporary, toPath: output)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw AdminError(.io, "\(output): cannot write the bundle: \(error.localizedDescription)")
        }
        return body
    }

    private func checkRequest() throws(AdminError) {
        guard Identifier.isValid(request.site) else {
            throw AdminError(.input, "--site: \"\(request.site)\" is not an id")
        }
        guard request.version >= 1 else { throw AdminError(.input, "--version must be 1 or more") }
        switch request.kind {
        case .delta:
            guard let base = request.base, base >= 1, base < request.version else {
                throw AdminError(.input, "--kind delta needs --base, a version lower than --version")
            }
        case .snapshot:
            guard request.base == nil else { throw AdminError(.input, "--base goes with --kind delta only") }
        }
    }

    /// Streams every input's records into the body file, gzipped if asked, hashing as it goes.
    private func writeBody(to path: String) throws(AdminError) -> Result {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw AdminError(.io, "\(path): cannot create a temporary file")
        }
        defer { try? handle.close() }
        let encoder: GzipEncoder?
        do {
            encoder = request.gzip ? try GzipEncoder() : nil
        } catch {
            throw AdminError(.io, "gzip: \(error)")
        }
        var sink = BodySink(handle: handle, gzip: encoder)
        var problems: [String] = []
        var duplicates = DuplicateRecords()
        var references = SnapshotReferences()
        var found: [String] = []
        var records: Int64 = 0
        do {
            for input in request.inputs {
                func emit(_ line: String, _ number: Int) throws {
                    // Written even after a problem (the file is discarded then): `problems` is
                    // being changed by the reader that calls this.
                    records += 1
                    found += check(line, at: "\(input):\(number)", duplicates: &duplicates, references: &references)
                    try sink.write(line + "\n")
                }
                if input.lowercased().hasSuffix(".csv") {
                    try CSVImporter(site: request.site, allowUnknownColumns: request.allowUnknownFields, pinKey: request.pinKey).read(input, problems: &problems, emit: emit)
                } else {
                    try readJSONLines(input, problems: &problems, emit: emit)
                }
            }
            try sink.finish()
        } catch let error as AdminError {
            throw error
        } catch {
            throw AdminError(.io, "\(path): \(error)")
        }
        problems += found
        // A delta's references may be to records of its base, which the builder does not see.
        if request.kind == .snapshot { problems += references.problems() }
        if !problems.isEmpty {
            var lines = Array(problems.prefix(Self.problemsListed))
            if problems.count > Self.problemsListed { lines.append("... and \(problems.count - Self.problemsListed) more problems") }
            throw AdminError(.input, lines.joined(separator: "\n"))
        }
        if records == 0 && request.kind == .snapshot && !request.allowEmpty {
            throw AdminError(.input, "the inputs hold no records; a device refuses an empty snapshot unless --allow-empty is given")
        }
        return Result(records: records, bodyBytes: sink.check.bytesSeen, sha256: sink.check.digestHex())
    }

    /// What one record line breaks beyond its own validity: a field the contract does not
    /// define (unless allowed), an id or badge given twice; and its references, noted.
    private func check(_ line: String, at place: String, duplicates: inout DuplicateRecords, references: inout SnapshotReferences) -> [String] {
        var problems: [String] = []
        let bytes = Array(line.utf8)
        if !request.allowUnknownFields, case .object(let object)? = try? JSONReader.parse(bytes),
            case .string(let typeName)? = object["type"], let type = RecordType(rawValue: typeName)
        {
            let unknown = type.unknownFields(in: object)
            if !unknown.isEmpty {
                let id = if case .string(let id)? = object["id"] { id } else { "?" }
                problems.append(
                    "\(place): \(type.rawValue) \"\(id)\": unknown field\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", ")); "
                        + "a \(type.rawValue) has \(type.knownFields.subtracting(["op", "type", "id"]).sorted().joined(separator: ", ")) "
                        + "(give --allow-unknown-fields to keep fields of your own)")
            }
        }
        guard case .put(let record)? = try? BundleOperation.decode(line: bytes, isKnownTimeZone: { _ in true }) else { return problems }
        if let duplicate = duplicates.note(record, at: place) { problems.append(duplicate) }
        references.note(record, at: place)
        return problems
    }

    private func readJSONLines(_ path: String, problems: inout [String], emit: (String, Int) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            problems.append("\(path): cannot read the file")
            return
        }
        defer { try? handle.close() }
        var splitter = LineSplitter(maximumLineLength: 1024 * 1024)
        func handleLine(_ line: UnsafeRawBufferPointer, _ number: Int) throws {
            do {
                let operation = try BundleOperation.decode(line: line, isKnownTimeZone: { TimeZone(identifier: $0) != nil })
                if case .delete = operation, request.kind == .snapshot {
                    throw MalformedRecord(field: "op", problem: "a snapshot holds only puts; use --kind delta for del")
                }
                try emit(String(decoding: line, as: UTF8.self), number)
            } catch let problem as MalformedRecord {
                problems.append("\(path):\(number): \(problem)")
            }
        }
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                try chunk.withUnsafeBytes { try splitter.push($0, line: handleLine) }
            }
            try splitter.finish(line: handleLine)
        } catch let tooLong as LineSplitter.LineTooLong {
            problems.append("\(path):\(tooLong.lineNumber): the line is longer than 1 MiB")
        }
    }
}

/// The body file: bytes as sent, gzipped or not, hashed and counted exactly as a device will.
private struct BodySink {
    let handle: FileHandle
    let gzip: GzipEncoder?
    var check = BundleBodyCheck()

    init(handle: FileHandle, gzip: GzipEncoder?) {
        self.handle = handle
        self.gzip = gzip
    }

    mutating func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { buffer in
            if let gzip {
                try gzip.push(UnsafeRawBufferPointer(buffer)) { try emit($0) }
            } else {
                try emit(UnsafeRawBufferPointer(buffer))
            }
        }
    }

    mutating func finish() throws {
        if let gzip { try gzip.finish { try emit($0) } }
    }

    private mutating func emit(_ chunk: UnsafeRawBufferPointer) throws {
        check.consume(chunk)
        try handle.write(contentsOf: Data(chunk))
    }
}
