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

@Suite("init --system: the packaged layout")
struct SystemLayoutTests {
    let root = TemporaryDirectory("gatehouse-system")

    func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    func owner(_ path: String) throws -> (String, String) {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.ownerAccountName] as? String ?? "", attributes[.groupOwnerAccountName] as? String ?? "")
    }

    @Test("config and public keys root-owned for the service group, the state directory the service user's, private keys off the box, a configured box never overwritten")
    func layout() throws {
        let keys = root.file("usb-stick")
        let layout = SystemLayout(initializer: SiteInitializer(site: "acme", device: "gate-01"), trust: .generate(privateKeys: keys), root: root.path, user: "nobody", group: "nogroup")
        try FileManager.default.createDirectory(atPath: root.file("etc/gatehouse"), withIntermediateDirectories: true)
        try (SystemLayout.unconfiguredMarker + "\n").write(toFile: root.file("etc/gatehouse/gatehouse.toml"), atomically: true, encoding: .utf8)
        let written = try layout.write()
        #expect(written.contains(root.file("etc/gatehouse/gatehouse.toml")), "the package's unconfigured file is replaced")
        let config = try String(contentsOfFile: root.file("etc/gatehouse/gatehouse.toml"), encoding: .utf8)
        #expect(config.contains(#"database = "/var/lib/gatehouse/gatehouse.sqlite""#))
        #expect(try mode(root.file("etc/gatehouse/gatehouse.toml")) == 0o640 && owner(root.file("etc/gatehouse/gatehouse.toml")) == ("root", "nogroup"))
        #expect(try mode(root.file("etc/gatehouse/keys/bundle.jwks")) == 0o640)
        #expect(try mode(root.file("var/lib/gatehouse")) == 0o750 && owner(root.file("var/lib/gatehouse")) == ("nobody", "nogroup"))
        #expect(try mode(keys + "/bundle.jwk") == 0o600)
        #expect(!FileManager.default.fileExists(atPath: root.file("etc/gatehouse/keys/private")), "no private key on the box")
        do {
            _ = try layout.write()
            Issue.record("overwrote a configured box")
        } catch {
            #expect(error.code == .exists && error.message.contains("configured already"))
        }

        // Another device of the site: the same public keys, copied.
        let second = TemporaryDirectory("gatehouse-system-2")
        _ = try SystemLayout(initializer: SiteInitializer(site: "acme", device: "gate-02"), trust: .copy(from: root.file("etc/gatehouse/keys")), root: second.path, user: "nobody", group: "nogroup").write()
        #expect(FileManager.default.contents(atPath: second.file("etc/gatehouse/keys/command.jwks")) == FileManager.default.contents(atPath: root.file("etc/gatehouse/keys/command.jwks")))
    }
}
