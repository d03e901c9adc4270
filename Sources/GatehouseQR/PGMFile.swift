import Foundation
import GatehouseCore

/// Reads binary PGM (`P5`) files, the greyscale format V4L2 tools and ImageMagick write.
public enum PGMFile {
    /// Reads an 8-bit (`maxval` up to 255) binary PGM file.
    public static func read(_ path: String) throws(QRError) -> GreyImage {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw QRError(.pgmRead, "\(path): cannot read the file")
        }
        return try parse(Array(data), name: path)
    }

    /// Parses the bytes of a binary PGM file; `name` goes into the error messages.
    public static func parse(_ bytes: [UInt8], name: String) throws(QRError) -> GreyImage {
        var index = 0
        func fail(_ why: String) -> QRError { QRError(.pgmRead, "\(name): \(why)") }
        /// The next header field: skips whitespace and `#` comments, then reads up to whitespace.
        func field() -> String? {
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "#") {
                    while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
                } else if [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) {
                    index += 1
                } else {
                    break
                }
            }
            let start = index
            while index < bytes.count && ![0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
            return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
        }
        guard field() == "P5" else { throw fail("not a binary PGM file (it must start with P5)") }
        guard let width = field().flatMap({ Int($0) }), let height = field().flatMap({ Int($0) }), width > 0, height > 0, width * height <= 64_000_000
        else { throw fail("the header's width and height are not positive numbers") }
        guard let maxValue = field().flatMap({ Int($0) }), (1...255).contains(maxValue) else {
            throw fail("only 8-bit PGM files are read (maxval 1 to 255)")
        }
        index += 1  // the single whitespace byte before the pixels
        guard bytes.count - index >= width * height else {
            throw fail("\(width)×\(height) pixels announced, \(max(0, bytes.count - index)) bytes present")
        }
        var pixels = Array(bytes[index..<(index + width * height)])
        if maxValue != 255 {
            for position in pixels.indices { pixels[position] = UInt8(min(255, Int(pixels[position]) * 255 / maxValue)) }
        }
        return GreyImage(width: width, height: height, pixels: pixels)
    }
}
