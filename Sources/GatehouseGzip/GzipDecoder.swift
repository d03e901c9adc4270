import CZlib
import GatehouseCore

/// Streaming gzip decompression: feed compressed chunks, receive decompressed chunks. Memory
/// stays at one output buffer whatever the input's size. Concatenated gzip members are read
/// one after another, as gzip(1) does.
public final class GzipDecoder {
    /// The zlib stream; this object owns it (allocated in init, ended and freed in deinit).
    private let stream: UnsafeMutablePointer<z_stream>
    private var output: [UInt8]
    private var memberEnded = false

    public init(outputChunkSize: Int = 64 * 1024) throws(GzipError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        output = [UInt8](repeating: 0, count: outputChunkSize)
        // 16 + MAX_WBITS: expect a gzip header and trailer, not a raw zlib stream.
        let status = gatehouse_inflateInit2(stream, 16 + MAX_WBITS)
        guard status == Z_OK else {
            stream.deallocate()
            throw GzipError(.`internal`, "inflateInit2 failed with \(status)")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Decompresses `input`, calling `sink` with each decompressed chunk (valid only during the call).
    public func push(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let base = input.baseAddress, !input.isEmpty else { return }
        // zlib reads from next_in without writing to it; the pointer lives for this call only.
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
        }
        while stream.pointee.avail_in > 0 {
            if memberEnded {
                // Another gzip member follows the one that ended.
                inflateReset(stream)
                memberEnded = false
            }
            let status = try output.withUnsafeMutableBytes { buffer -> Int32 in
                stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(buffer.count)
                let status = inflate(stream, Z_NO_FLUSH)
                let produced = buffer.count - Int(stream.pointee.avail_out)
                if produced > 0 { try sink(UnsafeRawBufferPointer(rebasing: buffer[0..<produced])) }
                return status
            }
            switch status {
            case Z_OK: continue
            case Z_STREAM_END: memberEnded = true
            case Z_BUF_ERROR where stream.pointee.avail_in == 0: return
            default: throw GzipError(.corrupt, zlibMessage(status))
            }
        }
    }

    /// Ends the stream: throws when it stopped in the middle of a gzip member.
    public func finish() throws(GzipError) {
        guard memberEnded else {
            throw GzipError(.truncated, "the gzip data ends before its trailer")
        }
    }

    private func zlibMessage(_ status: Int32) -> String {
        // msg points into zlib's static strings; copied, never freed.
        stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
    }
}
