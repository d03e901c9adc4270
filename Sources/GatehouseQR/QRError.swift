/// A failure of the QR adapter, with a stable code.
public struct QRError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `qr.encode`, `qr.png_write`, `qr.png_read`, `qr.pgm_read` or `qr.image_read`.
    public var code: String
    public var message: String

    public var description: String { "\(code): \(message)" }
}
