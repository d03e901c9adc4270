/// An 8-bit greyscale image, row by row, as zbar reads it and as QR codes are rendered.
public struct GreyImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// `width * height` bytes, 0 black to 255 white.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height, "a grey image holds width × height pixels")
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}
