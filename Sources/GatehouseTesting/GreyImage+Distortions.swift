import Foundation
import GatehouseQR

/// What a camera does to a QR code on its way to the decoder, for tests and benchmarks:
/// distance, tilt, poor light and sensor noise.
extension GreyImage {
    /// Resized by `factor` (nearest neighbour), as a code held nearer or farther.
    public func scaled(by factor: Double) -> GreyImage {
        let newWidth = max(1, Int(Double(width) * factor)), newHeight = max(1, Int(Double(height) * factor))
        var pixels = [UInt8](repeating: 255, count: newWidth * newHeight)
        for row in 0..<newHeight {
            let sourceRow = min(height - 1, Int(Double(row) / factor))
            for column in 0..<newWidth {
                pixels[row * newWidth + column] = self.pixels[sourceRow * width + min(width - 1, Int(Double(column) / factor))]
            }
        }
        return GreyImage(width: newWidth, height: newHeight, pixels: pixels)
    }

    /// Turned by `degrees` about its centre (bilinear), on a white canvas large enough to hold it.
    public func rotated(by degrees: Double) -> GreyImage {
        let angle = degrees * .pi / 180
        let (sine, cosine) = (sin(angle), cos(angle))
        let side = Int((Double(width) * abs(cosine) + Double(height) * abs(sine)).rounded(.up)) + 2
        let sideHeight = Int((Double(width) * abs(sine) + Double(height) * abs(cosine)).rounded(.up)) + 2
        var pixels = [UInt8](repeating: 255, count: side * sideHeight)
        let (centreX, centreY) = (Double(width) / 2, Double(height) / 2)
        let (newCentreX, newCentreY) = (Double(side) / 2, Double(sideHeight) / 2)
        for row in 0..<sideHeight {
            for column in 0..<side {
                let dx = Double(column) - newCentreX, dy = Double(row) - newCentreY
                let x = cosine * dx + sine * dy + centreX - 0.5, y = -sine * dx + cosine * dy + centreY - 0.5
                pixels[row * side + column] = sample(x, y)
            }
        }
        return GreyImage(width: side, height: sideHeight, pixels: pixels)
    }

    /// Black and white squeezed to `dark`…`light`, as under poor light.
    public func contrast(dark: UInt8, light: UInt8) -> GreyImage {
        let span = Int(light) - Int(dark)
        return GreyImage(width: width, height: height, pixels: pixels.map { UInt8(Int(dark) + Int($0) * span / 255) })
    }

    /// Every pixel moved by up to ±`amplitude`, from a seeded generator.
    public func noisy(amplitude: Int, seed: UInt64) -> GreyImage {
        var random = SeededGenerator(state: seed)
        return GreyImage(
            width: width, height: height,
            pixels: pixels.map { UInt8(clamping: Int($0) + Int.random(in: -amplitude...amplitude, using: &random)) })
    }

    /// Placed at (`x`, `y`) on a `width`×`height` frame of grey `background`, as a camera frame.
    public func placed(inFrameOf frameWidth: Int, _ frameHeight: Int, x: Int, y: Int, background: UInt8 = 200) -> GreyImage {
        var frame = [UInt8](repeating: background, count: frameWidth * frameHeight)
        for row in 0..<height where row + y < frameHeight {
            for column in 0..<width where column + x < frameWidth {
                frame[(row + y) * frameWidth + column + x] = pixels[row * width + column]
            }
        }
        return GreyImage(width: frameWidth, height: frameHeight, pixels: frame)
    }

    /// The bilinear sample at (`x`, `y`); white outside the image.
    private func sample(_ x: Double, _ y: Double) -> UInt8 {
        let (left, top) = (Int(x.rounded(.down)), Int(y.rounded(.down)))
        let (fx, fy) = (x - Double(left), y - Double(top))
        func at(_ column: Int, _ row: Int) -> Double {
            column >= 0 && row >= 0 && column < width && row < height ? Double(pixels[row * width + column]) : 255
        }
        let value = at(left, top) * (1 - fx) * (1 - fy) + at(left + 1, top) * fx * (1 - fy) + at(left, top + 1) * (1 - fx) * fy + at(left + 1, top + 1) * fx * fy
        return UInt8(max(0, min(255, value.rounded())))
    }
}
