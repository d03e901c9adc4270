import CZBar

/// Finds QR codes in greyscale images with zbar, set to look for QR codes only.
///
/// One decoder serves one thread: zbar's scanner keeps state between images.
public final class QRDecoder {
    /// A rectangle of the image to look in, for speed when the code always appears there.
    public struct Region: Sendable, Equatable {
        public var x: Int
        public var y: Int
        public var width: Int
        public var height: Int

        public init(x: Int, y: Int, width: Int, height: Int) {
            precondition(x >= 0 && y >= 0 && width > 0 && height > 0, "a region has a place and a size")
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }
    }

    /// Owned: made by zbar_image_scanner_create, freed by zbar_image_scanner_destroy in deinit.
    private let scanner: OpaquePointer
    public let region: Region?

    /// `density`: scan every `density`-th row and column. 1 looks at every one; 2 is faster and
    /// still finds codes of 3 pixels per module; 3 wants about 5.
    public init(density: Int = 1, region: Region? = nil) {
        precondition((1...8).contains(density), "scan density is 1 to 8")
        scanner = zbar_image_scanner_create()
        zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0)
        zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1)
        // The payload as it was encoded: zbar does not guess at a text encoding.
        zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1)
        zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_X_DENSITY, Int32(density))
        zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_Y_DENSITY, Int32(density))
        self.region = region
    }

    deinit {
        zbar_image_scanner_destroy(scanner)
    }

    /// The payloads of the QR codes found, as UTF-8 text (invalid bytes replaced), in zbar's order.
    public func decode(_ image: GreyImage) -> [String] {
        let frame = region.map { image.cropped(to: $0) } ?? image
        guard frame.width > 0, frame.height > 0, let zbarImage = zbar_image_create() else { return [] }
        // The zbar image is this function's to destroy; it borrows `frame`'s pixels (no cleanup
        // handler), so it is destroyed before they go out of scope.
        defer { zbar_image_destroy(zbarImage) }
        zbar_image_set_format(zbarImage, gatehouse_zbar_format_y800())
        zbar_image_set_size(zbarImage, UInt32(frame.width), UInt32(frame.height))
        return frame.pixels.withUnsafeBytes { pixels in
            zbar_image_set_data(zbarImage, pixels.baseAddress, UInt(pixels.count), nil)
            guard zbar_scan_image(scanner, zbarImage) > 0 else { return [] }
            var found: [String] = []
            var symbol = zbar_image_first_symbol(zbarImage)
            while let current = symbol {
                // The symbol's data belongs to the zbar image; copied out here.
                if let data = zbar_symbol_get_data(current) {
                    let bytes = UnsafeRawBufferPointer(start: data, count: Int(zbar_symbol_get_data_length(current)))
                    found.append(String(decoding: bytes, as: UTF8.self))
                }
                symbol = zbar_symbol_next(current)
            }
            return found
        }
    }
}
