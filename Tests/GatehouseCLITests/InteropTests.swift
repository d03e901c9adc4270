import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

@Suite("Interoperability with an independent JOSE implementation")
struct InteropTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/jose_interop.py").standardized.path

    func python(_ arguments: [String]) throws -> GatehouseBinary.Output {
        try Subprocess.run("/usr/bin/env", ["python3", Self.script] + arguments)
    }

    @Test("a bundle signed by pyca/cryptography (alg Ed25519) is accepted")
    func pythonSignedIsAccepted() throws {
        let site = try CLIFixture()
        let body = site.directory.write("body.ndjson", (Records.staff(4) + [Records.zone("site")]).joined(separator: "\n") + "\n")
        let bundle = site.directory.file("python.bundle")
        let signed = try python(["sign-bundle", site.bundleKey, "acme", "5", body, bundle])
        try #require(signed.status == 0, "python: \(signed.standardError)")
        let apply = try site.run(["bundle", "apply", bundle, "--config", site.config])
        #expect(apply.status == 0, "\(apply.standardError)")
        #expect(apply.standardOutput.contains("applied version 5 (snapshot, 9 records)"))
    }

    @Test("a bundle from Gatehouse's own signer verifies with pyca/cryptography, and a tampered one does not")
    func ownSignerVerifies() throws {
        let site = try CLIFixture()
        let bundle = try site.build(version: 3, lines: Records.staff(6))
        let verified = try python(["verify-bundle", site.bundleKeys, bundle])
        #expect(verified.status == 0 && verified.standardOutput.contains("ok version 3 records 12 alg EdDSA"), "\(verified.standardError)")

        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: bundle)))
        bytes[bytes.count - 3] ^= 0x20
        let tampered = site.directory.file("tampered.bundle")
        try Data(bytes).write(to: URL(fileURLWithPath: tampered))
        let refused = try python(["verify-bundle", site.bundleKeys, tampered])
        #expect(refused.status != 0 && refused.standardError.contains("refused"))
    }

    @Test("a visitor token minted by pyca/cryptography checks the visitor in at the gate; Gatehouse's own token verifies with it")
    func visitorTokens() throws {
        let fixture = try DaemonFixture()
        let invitePrivate = fixture.site.directory.file("site/keys/private/invite.jwk")
        let minted = try python(["mint-token", invitePrivate, "acme", "inv-1", "3600"])
        try #require(minted.status == 0, "python: \(minted.standardError)")
        let daemon = try fixture.start()
        let checkedIn = try daemon.simulate(reader: "gate-in", "code", minted.standardOutput.trimmingWhitespace())
        #expect(checkedIn.status == 0 && checkedIn.reply?.string("invite") == "inv-1")
        #expect(daemon.stop() == 0)

        let own = try fixture.visitorToken()
        let verified = try python(["verify-token", fixture.site.directory.file("site/keys/invite.jwks"), "acme", own])
        #expect(verified.status == 0 && verified.standardOutput.contains("ok invite inv-1"), "\(verified.standardError)")
        let wrongSite = try python(["verify-token", fixture.site.directory.file("site/keys/invite.jwks"), "other-site", own])
        #expect(wrongSite.status != 0)
    }
}
