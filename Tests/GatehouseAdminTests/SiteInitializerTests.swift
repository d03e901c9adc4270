import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseQR
import GatehouseTesting
import Testing

@Suite("init, the config template and QR images")
struct SiteInitializerTests {
    let directory = TemporaryDirectory("gatehouse-init")

    @Test("init writes a valid config, three key pairs with private keys at 0600, and refuses to overwrite")
    func writesSite() throws {
        let written = try SiteInitializer(site: "acme", device: "gate-01").write(to: directory.path)
        #expect(written.count == 7)
        let text = try String(contentsOfFile: directory.file("gatehouse.toml"), encoding: .utf8)
        let config = try GatehouseConfig.parse(toml: text, file: "gatehouse.toml")
        #expect(config.door("gate")?.zone == "site" && config.reader("gate-in")?.direction == .in && config.reader("gate-out")?.direction == .out)
        for purpose in KeyPurpose.allCases {
            let attributes = try FileManager.default.attributesOfItem(atPath: directory.file("keys/private/\(purpose.rawValue).jwk"))
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            let trust = try TrustSet(jwks: try Data(contentsOf: URL(fileURLWithPath: directory.file("keys/\(purpose.rawValue).jwks"))), purpose: purpose)
            let key = try SigningKey(contentsOf: directory.file("keys/private/\(purpose.rawValue).jwk"))
            #expect(trust.keyIDs == [key.kid])
        }
        #expect(throws: AdminError.self) { try SiteInitializer(site: "acme", device: "gate-01").write(to: directory.path) }
    }

    @Test("init refuses bad ids and broker URLs")
    func refusesBadInput() {
        #expect(throws: AdminError.self) { try SiteInitializer(site: "a b", device: "gate-01").write(to: directory.path) }
        #expect(throws: AdminError.self) { try SiteInitializer(site: "acme", device: "all").write(to: directory.path) }
        #expect(throws: AdminError.self) { try SiteInitializer(site: "acme", device: "d", mqttURL: "http://x").write(to: directory.path) }
    }

    @Test("config/gatehouse.toml is the template for the example site, and valid")
    func shippedExampleIsCurrent() throws {
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../config/gatehouse.toml").standardized.path
        let text = try String(contentsOfFile: shipped, encoding: .utf8)
        #expect(text == ConfigTemplate.render(site: "example-site", device: "gate-01"))
        _ = try GatehouseConfig.parse(toml: text, file: shipped)
        let withBroker = ConfigTemplate.render(site: "s", device: "d", mqttURL: "mqtts://broker:8883", nfcConnection: "pn532_uart:/dev/ttyUSB0")
        let config = try GatehouseConfig.parse(toml: withBroker, file: "x")
        #expect(config.mqtt?.port == 8883 && config.reader("gate-in")?.source == .nfc(connection: "pn532_uart:/dev/ttyUSB0"))
    }

    @Test("a token's QR code renders and survives a PNG round trip")
    func qrImage() throws {
        let image = try QRCodeRenderer.render("eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJpLTEifQ.c2ln", scale: 3)
        #expect(image.width == image.height && image.width % 3 == 0)
        #expect(image.pixels.contains(0) && image.pixels.contains(255))
        let path = directory.file("token.png")
        try PNGFile.write(image, to: path)
        #expect(try PNGFile.read(path) == image)
        #expect(throws: QRError.self) { try PNGFile.read(directory.file("missing.png")) }
    }
}
