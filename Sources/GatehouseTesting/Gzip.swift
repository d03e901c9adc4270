import GatehouseGzip

/// One-shot gzip for fixtures.
public enum Gzip {
    public static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        // The encoder fails only on zlib's internal errors, which would be a broken fixture.
        let encoder = (try? GzipEncoder())!
        bytes.withUnsafeBytes { raw in
            try? encoder.push(raw) { output.append(contentsOf: $0) }
        }
        try? encoder.finish { output.append(contentsOf: $0) }
        return output
    }
}
