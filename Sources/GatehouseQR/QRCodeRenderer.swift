import CQREncode
import GatehouseCore

/// Renders text as a QR code image through libqrencode.
public enum QRCodeRenderer {
    /// The QR code of `text` (byte mode, error correction M), `scale` pixels per module, with
    /// the four-module quiet zone the standard asks for.
    public static func render(_ text: String, scale: Int = 4) throws(QRError) -> GreyImage {
        precondition(scale >= 1, "a QR module is at least one pixel")
        guard let symbol = EncodedSymbol(text) else {
            throw QRError(.encode, "libqrencode could not encode \(text.utf8.count) bytes (a QR code holds at most 2,953 bytes at level M)")
        }
        // The symbol must outlive every read of its modules.
        return withExtendedLifetime(symbol) {
            let code = symbol.pointer
            let modules = Int(code.pointee.width)
            let quiet = 4
            let side = (modules + 2 * quiet) * scale
            var pixels = [UInt8](repeating: 255, count: side * side)
            let data = code.pointee.data!
            for row in 0..<modules {
                for column in 0..<modules where data[row * modules + column] & 1 == 1 {
                    for dy in 0..<scale {
                        let start = ((row + quiet) * scale + dy) * side + (column + quiet) * scale
                        for dx in 0..<scale { pixels[start + dx] = 0 }
                    }
                }
            }
            return GreyImage(width: side, height: side, pixels: pixels)
        }
    }
}

/// Owns one QRcode from libqrencode and frees it when it goes away.
private final class EncodedSymbol {
    let pointer: UnsafeMutablePointer<QRcode>

    init?(_ text: String) {
        // QRcode_encodeString hands over a QRcode that this object now owns.
        guard let pointer = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { return nil }
        self.pointer = pointer
    }

    deinit {
        QRcode_free(pointer)
    }
}
