import Foundation
import GatehouseCore

extension GreyImage {
    /// Reads a PNG (any colour type, turned grey) or a binary PGM file, told apart by their
    /// first bytes.
    public static func read(_ path: String) throws(QRError) -> GreyImage {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw QRError(.imageRead, "\(path): cannot open the file")
        }
        let signature = [UInt8]((try? handle.read(upToCount: 8)) ?? Data())
        try? handle.close()
        if signature.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return try PNGFile.read(path) }
        if signature.starts(with: [UInt8(ascii: "P"), UInt8(ascii: "5")]) { return try PGMFile.read(path) }
        throw QRError(.imageRead, "\(path): neither a PNG nor a binary PGM (P5) file")
    }
}
