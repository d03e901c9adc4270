import ArgumentParser
import GatehouseCore
import GatehouseQR

/// `gatehouse scan-image`: decodes a still image with the readers' own decoder, for diagnosis in
/// the field ("why does the gate not read this code?").
struct ScanImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan-image", abstract: "Decode the QR codes in a PNG or PGM image with the readers' decoder and print what they hold.",
        discussion: """
            Each code's payload is printed on a line of its own; standard error says whether it has \
            the shape of a visitor token (checked against keys only at a reader) or is a static code. \
            Exit status: 0 when a code is found, 1 when none is, 2 when the file cannot be read.
            """)

    @Argument(help: "A PNG (any colour type) or binary PGM (P5) file.") var file: String
    @Option(help: "Scan every N-th row and column (1 to 8), as a reader configured for speed would.") var density = 1

    func validate() throws {
        guard (1...8).contains(density) else { throw ValidationError("--density must be from 1 to 8, got \(density)") }
    }

    func run() async throws {
        try await failing {
            let image: GreyImage
            do throws(QRError) { image = try GreyImage.read(file) } catch { throw CLIFailure.environment(error.message) }
            let found = QRDecoder(density: density).decode(image)
            guard !found.isEmpty else { throw CLIFailure.refused("\(file): no QR code found in \(image.width)×\(image.height) pixels") }
            for payload in found {
                if case .token = Presentation.scanned(payload) {
                    printError("a visitor token (\(payload.utf8.count) characters)")
                } else {
                    printError("a static code (\(payload.utf8.count) characters)")
                }
                print(payload)
            }
        }
    }
}
