extension GreyImage {
    /// The part of the image inside `region`, clipped to the image.
    public func cropped(to region: QRDecoder.Region) -> GreyImage {
        let left = min(region.x, width), top = min(region.y, height)
        let right = min(region.x + region.width, width), bottom = min(region.y + region.height, height)
        var pixels: [UInt8] = []
        pixels.reserveCapacity((right - left) * (bottom - top))
        for row in top..<bottom { pixels += self.pixels[(row * width + left)..<(row * width + right)] }
        return GreyImage(width: right - left, height: bottom - top, pixels: pixels)
    }
}
