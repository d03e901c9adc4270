import ArgumentParser
import CZBarBench
import Foundation
import GatehouseQR
import GatehouseTesting

/// Decoding camera frames: the readers' pipeline (`QRDecoder.decode`: region, zbar image,
/// scan, payload copied out) against zbar's own `zbar_scan_image` on the same frames, in the
/// same run, alternating, so that both see the same machine.
struct DecodeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "decode", abstract: "Time decoding 640×480 and 1280×720 frames against zbar's own scan.")

    @Option(help: "Decodes to time per frame and way.") var rounds = 300
    @Option(help: "The release gatehouse binary (unused; every benchmark takes it).") var gatehouse: String = ""

    func run() async throws {
        let token = String(repeating: "eyJhbGciOiJFZERTQSJ9", count: 12)
        for (width, height, scale) in [(640, 480, 3), (1280, 720, 4)] {
            let code = try QRCodeRenderer.render(token, scale: scale)
            let withCode = code.noisy(amplitude: 20, seed: 1).placed(inFrameOf: width, height, x: (width - code.width) / 2, y: (height - code.height) / 2)
            let empty = GreyImage(width: width, height: height, pixels: [UInt8](repeating: 200, count: width * height)).noisy(amplitude: 20, seed: 2)
            for (label, frame) in [("with a code", withCode), ("without a code", empty)] {
                let decoder = QRDecoder()
                let baseline = Baseline()
                var ours: [Duration] = [], theirs: [Duration] = []
                for _ in 0..<rounds {
                    let clock = ContinuousClock()
                    var found = 0
                    theirs.append(clock.measure { found = baseline.scan(frame) })
                    ours.append(clock.measure { found += decoder.decode(frame).count })
                    precondition(found == (label == "with a code" ? 2 : 0), "both ways find the code")
                }
                let (mine, zbar) = (Latencies(ours).microseconds(0.5), Latencies(theirs).microseconds(0.5))
                print(String(format: "%dx%d %@: pipeline p50 %.2f ms, zbar_scan_image p50 %.2f ms, overhead %+.1f %%",
                             width, height, label, mine / 1000, zbar / 1000, (mine / zbar - 1) * 100))
            }
        }
    }

    /// zbar's scanner alone, on an image made once per frame as a camera loop would.
    final class Baseline {
        let scanner: OpaquePointer
        init() {
            scanner = zbar_image_scanner_create()
            zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0)
            zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1)
        }
        deinit { zbar_image_scanner_destroy(scanner) }

        func scan(_ frame: GreyImage) -> Int {
            let image = zbar_image_create()!
            defer { zbar_image_destroy(image) }
            zbar_image_set_format(image, bench_zbar_format_y800())
            zbar_image_set_size(image, UInt32(frame.width), UInt32(frame.height))
            return frame.pixels.withUnsafeBytes { pixels in
                zbar_image_set_data(image, pixels.baseAddress, UInt(pixels.count), nil)
                return Int(max(0, zbar_scan_image(scanner, image)))
            }
        }
    }
}
