import CPNG
import GatehouseCore

/// Reads and writes greyscale PNG files through libpng's simplified API.
public enum PNGFile {
    /// Writes `image` to `path` as an 8-bit greyscale PNG.
    public static func write(_ image: GreyImage, to path: String) throws(QRError) {
        var header = png_image()
        header.version = png_uint_32(gatehouse_png_image_version())
        header.width = png_uint_32(image.width)
        header.height = png_uint_32(image.height)
        header.format = png_uint_32(PNG_FORMAT_GRAY)
        let ok = image.pixels.withUnsafeBytes { buffer in
            png_image_write_to_file(&header, path, 0, buffer.baseAddress, png_int_32(image.width), nil)
        }
        defer { png_image_free(&header) }
        guard ok != 0 else { throw QRError(.pngWrite, "\(path): \(message(of: header))") }
    }

    /// Reads a PNG of any colour type as 8-bit greyscale.
    public static func read(_ path: String) throws(QRError) -> GreyImage {
        var header = png_image()
        header.version = png_uint_32(gatehouse_png_image_version())
        // png_image_begin_read_from_file allocates libpng state that png_image_free releases.
        defer { png_image_free(&header) }
        guard png_image_begin_read_from_file(&header, path) != 0 else {
            throw QRError(.pngRead, "\(path): \(message(of: header))")
        }
        header.format = png_uint_32(PNG_FORMAT_GRAY)
        let width = Int(header.width), height = Int(header.height)
        var pixels = [UInt8](repeating: 0, count: Int(gatehouse_png_image_size(&header)))
        let ok = pixels.withUnsafeMutableBytes { buffer in
            png_image_finish_read(&header, nil, buffer.baseAddress, png_int_32(width), nil)
        }
        guard ok != 0 else { throw QRError(.pngRead, "\(path): \(message(of: header))") }
        return GreyImage(width: width, height: height, pixels: pixels)
    }

    private static func message(of header: png_image) -> String {
        withUnsafeBytes(of: header.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
