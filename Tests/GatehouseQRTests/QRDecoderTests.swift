import Foundation
import GatehouseCore
import GatehouseQR
import GatehouseTesting
import Testing

/// Real zbar decoding of QR codes that libqrencode renders, through what a camera does to them.
@Suite("Decoding QR codes with zbar")
struct QRDecoderTests {
    /// A visitor token's shape and length: three base64url parts.
    static let token =
        "eyJhbGciOiJFZERTQSIsImtpZCI6ImFjbWUtaW52aXRlLTEiLCJ0eXAiOiJKV1QifQ.eyJzdWIiOiJpbnYtMjAyNi0wMDQyIiwiYXVkIjoiYWNtZSIsImlhdCI6MTc2MzgxMDAwMCwibmJmIjoxNzYzODEwMDAwLCJleHAiOjE3NjM4Mzg4MDAsImp0aSI6IjEyMzQ1Njc4In0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtc2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU"

    static func frame(_ code: GreyImage) -> GreyImage {
        code.placed(inFrameOf: 640, 480, x: max(0, (640 - code.width) / 2), y: max(0, (480 - code.height) / 2))
    }

    @Test("a token is read back exactly, in a 640×480 frame, at every scan density its module size allows", arguments: [(1, 3), (2, 3), (3, 5)])
    func plainFrame(density: Int, pixelsPerModule: Int) throws {
        let image = Self.frame(try QRCodeRenderer.render(Self.token, scale: pixelsPerModule))
        #expect(QRDecoder(density: density).decode(image) == [Self.token])
    }

    /// What a camera does to a code between the visitor's phone and the decoder.
    enum Distortion: String, CaseIterable, Sendable {
        case turned90, tilted17, upsideDown, nearer, farther, poorLight, noisy, dimTiltedNoisy

        func apply(_ code: GreyImage) -> GreyImage {
            switch self {
            case .turned90: code.rotated(by: 90)
            case .tilted17: code.rotated(by: 17)
            case .upsideDown: code.rotated(by: 180)
            case .nearer: code.scaled(by: 1.6)
            case .farther: code.scaled(by: 0.7)
            case .poorLight: code.contrast(dark: 90, light: 160)
            case .noisy: code.noisy(amplitude: 40, seed: 7)
            case .dimTiltedNoisy: code.contrast(dark: 60, light: 190).rotated(by: 8).noisy(amplitude: 25, seed: 11)
            }
        }
    }

    @Test("turned, nearer or farther, in poor light and with sensor noise, it is still read", arguments: Distortion.allCases)
    func distorted(_ distortion: Distortion) throws {
        let image = Self.frame(distortion.apply(try QRCodeRenderer.render(Self.token, scale: 4)))
        #expect(QRDecoder().decode(image) == [Self.token], "\(distortion.rawValue)")
    }

    @Test("frames without a code give nothing: blank, noise, and a code cut in half")
    func nothingThere() throws {
        let blank = GreyImage(width: 640, height: 480, pixels: [UInt8](repeating: 200, count: 640 * 480))
        #expect(QRDecoder().decode(blank).isEmpty)
        #expect(QRDecoder().decode(blank.noisy(amplitude: 100, seed: 3)).isEmpty)
        let code = try QRCodeRenderer.render(Self.token, scale: 3)
        let half = code.cropped(to: QRDecoder.Region(x: 0, y: 0, width: code.width / 2, height: code.height))
        #expect(QRDecoder().decode(Self.frame(half)).isEmpty)
    }

    @Test("a region of interest finds the code inside it and ignores one outside it")
    func regionOfInterest() throws {
        let code = try QRCodeRenderer.render("PARKING-17", scale: 4)
        let image = code.placed(inFrameOf: 640, 480, x: 400, y: 250)
        #expect(QRDecoder(region: QRDecoder.Region(x: 320, y: 240, width: 320, height: 240)).decode(image) == ["PARKING-17"])
        #expect(QRDecoder(region: QRDecoder.Region(x: 0, y: 0, width: 320, height: 240)).decode(image).isEmpty)
    }

    @Test("PNG and PGM files are read for scan-image; anything else is refused by name")
    func files() throws {
        let directory = TemporaryDirectory("gatehouse-qr")
        let image = Self.frame(try QRCodeRenderer.render(Self.token, scale: 3))
        try PNGFile.write(image, to: directory.file("frame.png"))
        #expect(QRDecoder().decode(try GreyImage.read(directory.file("frame.png"))) == [Self.token])

        var pgm = Array("P5\n# a camera frame\n640 480\n255\n".utf8)
        pgm += image.pixels
        FileManager.default.createFile(atPath: directory.file("frame.pgm"), contents: Data(pgm))
        #expect(try GreyImage.read(directory.file("frame.pgm")) == image)

        let text = directory.write("notes.txt", "hello")
        #expect(throws: QRError.self) { try GreyImage.read(text) }
        do {
            _ = try PGMFile.parse(Array("P5 4 4 255\n".utf8) + [1, 2, 3], name: "short.pgm")
            Issue.record("a truncated PGM was read")
        } catch {
            #expect(error.code == .pgmRead && error.message == "short.pgm: 4×4 pixels announced, 3 bytes present")
        }
    }
}
