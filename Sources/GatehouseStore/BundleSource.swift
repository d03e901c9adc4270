import Foundation
import GatehouseCore

/// Where a bundle's bytes come from: a file (offline provisioning) or memory (an MQTT message).
public enum BundleSource: Sendable {
    case file(String)
    case bytes([UInt8])

    /// The total size, when known up front.
    var totalBytes: Int64? {
        switch self {
        case .file(let path): (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
        case .bytes(let bytes): Int64(bytes.count)
        }
    }

    /// Opens the bytes as a sequence of chunks.
    func open() throws(StoreError) -> ChunkReader {
        switch self {
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw StoreError(.io, "cannot read \(path): no such file, or not readable")
            }
            return ChunkReader(next: { () throws(StoreError) -> [UInt8]? in
                do {
                    guard let data = try handle.read(upToCount: 256 * 1024), !data.isEmpty else { return nil }
                    return [UInt8](data)
                } catch {
                    throw StoreError(.io, "reading \(path): \(error.localizedDescription)")
                }
            })
        case .bytes(let bytes):
            var offset = 0
            return ChunkReader(next: { () throws(StoreError) -> [UInt8]? in
                guard offset < bytes.count else { return nil }
                let end = min(offset + 256 * 1024, bytes.count)
                defer { offset = end }
                return Array(bytes[offset..<end])
            })
        }
    }
}

/// Chunks of a bundle, read on demand, with bytes pushed back after the manifest line.
final class ChunkReader {
    private let next: () throws(StoreError) -> [UInt8]?
    private var pushedBack: [UInt8]?

    init(next: @escaping () throws(StoreError) -> [UInt8]?) {
        self.next = next
    }

    func read() throws(StoreError) -> [UInt8]? {
        if let pushedBack {
            self.pushedBack = nil
            return pushedBack
        }
        return try next()
    }

    func pushBack(_ bytes: [UInt8]) {
        precondition(pushedBack == nil, "one chunk is pushed back at a time")
        if !bytes.isEmpty { pushedBack = bytes }
    }

    /// Reads up to the first `\n` and returns what precedes it; nil when there is none within `limit`.
    func readLine(limit: Int) throws(StoreError) -> [UInt8]? {
        var line: [UInt8] = []
        while let chunk = try read() {
            if let newline = chunk.firstIndex(of: 0x0A) {
                line.append(contentsOf: chunk[..<newline])
                pushBack(Array(chunk[(newline + 1)...]))
                return line.count <= limit ? line : nil
            }
            line.append(contentsOf: chunk)
            if line.count > limit { return nil }
        }
        return nil
    }
}
