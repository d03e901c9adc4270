import GatehouseCore
import GatehouseQR
import GatehouseTesting
import Testing

@Suite("gatehouse scan-image, for diagnosis in the field")
struct ScanImageCommandTests {
    @Test("the QR code token mint --png writes is read back as the very token, and named a visitor token")
    func readsMintedCode() throws {
        let site = try CLIFixture()
        let png = site.directory.file("visitor.png")
        let minted = try site.run([
            "token", "mint", "--sign", site.directory.file("site/keys/private/invite.jwk"), "--site", "acme", "--invite", "inv-1", "--valid-for", "1h",
            "--png", png,
        ])
        #expect(minted.status == 0)
        let scanned = try site.run(["scan-image", png])
        #expect(scanned.status == 0)
        #expect(scanned.standardOutput == minted.standardOutput)
        #expect(scanned.standardError.contains("a visitor token"))
    }

    @Test("no code: exit 1; not an image: exit 2 naming the file; a bad density is refused")
    func failures() throws {
        let directory = TemporaryDirectory("gatehouse-scan")
        let blank = directory.file("blank.png")
        try PNGFile.write(GreyImage(width: 64, height: 48, pixels: [UInt8](repeating: 255, count: 64 * 48)), to: blank)
        let none = try GatehouseBinary.run(["scan-image", blank])
        #expect(none.status == 1 && none.standardError.contains("no QR code found in 64×48 pixels"))

        let text = directory.write("notes.txt", "not an image")
        let wrong = try GatehouseBinary.run(["scan-image", text])
        #expect(wrong.status == 2 && wrong.standardError.contains("\(text): neither a PNG nor a binary PGM"))

        let code = directory.file("code.png")
        try PNGFile.write(try QRCodeRenderer.render("PARKING-17", scale: 4), to: code)
        #expect(try GatehouseBinary.run(["scan-image", code, "--density", "0"]).status != 0)
        let parking = try GatehouseBinary.run(["scan-image", code, "--density", "2"])
        #expect(parking.status == 0 && parking.standardOutput == "PARKING-17\n" && parking.standardError.contains("a static code"))
    }
}
