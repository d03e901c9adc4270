import GatehouseCore
/// A failure of the QR adapter, with a stable code.
public typealias QRError = CodedError<QRErrors>

/// The codes of `QRError`.
public enum QRErrors: ErrorDomain {
    public static let name = "qr"
    public static let codes: [ErrorCode<QRErrors>] = [.camera, .encode, .imageRead, .pgmRead, .pngRead, .pngWrite]
}

extension ErrorCode where Domain == QRErrors {
    /// The camera cannot be opened or read.
    public static let camera = ErrorCode("camera")
    /// A text cannot be rendered as a QR code.
    public static let encode = ErrorCode("encode")
    /// An image file cannot be read.
    public static let imageRead = ErrorCode("image_read")
    /// A PGM file is malformed.
    public static let pgmRead = ErrorCode("pgm_read")
    /// A PNG file is malformed.
    public static let pngRead = ErrorCode("png_read")
    /// A PNG file cannot be written.
    public static let pngWrite = ErrorCode("png_write")
}
