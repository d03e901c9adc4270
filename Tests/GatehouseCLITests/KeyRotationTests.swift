import Foundation
import GatehouseAdmin
import GatehouseTesting
import Testing

/// `gatehouse keys merge` and `remove`: a trust set's key rotated on a device.
@Suite("Key rotation in trust files")
struct KeyRotationTests {
    @Test("a new bundle key merged in is trusted; the old one removed is not; the last key never goes")
    func rotateBundleKey() throws {
        let site = try CLIFixture()
        let keys = site.directory.file("new")
        #expect(try site.run(["keys", "generate", "--kid", "bundle-2027", "--out", keys]).status == 0)
        let old = try #require(try JWKSEditor.read(site.bundleKeys).kids.first)

        let merged = site.directory.file("merged.jwks")
        let merge = try site.run(["keys", "merge", "--out", merged, site.bundleKeys, keys + "/bundle-2027.jwks"])
        #expect(merge.status == 0 && merge.standardOutput.contains("wrote \(merged): \(old), bundle-2027"), "\(merge.standardError)")
        #expect(try site.run(["keys", "merge", "--out", merged, site.bundleKeys, keys + "/bundle-2027.jwks"]).status == 1, "never over a file")
        try FileManager.default.removeItem(atPath: site.bundleKeys)
        try FileManager.default.moveItem(atPath: merged, toPath: site.bundleKeys)
        chmod(site.bundleKeys, 0o640)

        // Signed with the new key: applied.
        let v2 = site.directory.file("v2.bundle")
        let lines = site.directory.write("v2.jsonl", Records.zone("site") + "\n")
        #expect(try site.run(["bundle", "build", "--out", v2, "--sign", keys + "/bundle-2027.jwk", "--site", "acme", "--version", "2", lines]).status == 0)
        #expect(try site.run(["bundle", "apply", v2, "--config", site.config]).status == 0)

        // The old key retired: a bundle it signs is refused.
        let remove = try site.run(["keys", "remove", site.bundleKeys, old, "--in-place"])
        #expect(remove.status == 0 && remove.standardOutput.contains("its keys: bundle-2027"), "\(remove.standardError)")
        #expect((try FileManager.default.attributesOfItem(atPath: site.bundleKeys)[.posixPermissions] as? NSNumber)?.intValue == 0o640, "mode kept")
        let v3 = try site.build(version: 3, lines: [Records.zone("site")])
        let refused = try site.run(["bundle", "apply", v3, "--config", site.config])
        #expect(refused.status == 1 && refused.standardError.contains(old), "\(refused.standardError)")

        let last = try site.run(["keys", "remove", site.bundleKeys, "bundle-2027", "--in-place"])
        #expect(last.status == 1 && last.standardError.contains("is the last key"))
        let unknown = try site.run(["keys", "remove", site.bundleKeys, "bundle-2026", "--out", site.directory.file("x.jwks")])
        #expect(unknown.status == 1 && unknown.standardError.contains("has no key \"bundle-2026\"; its keys: bundle-2027"))
        #expect(try site.run(["keys", "remove", site.bundleKeys, "bundle-2027"]).status == 64, "--out or --in-place")
    }

    @Test("merge refuses two keys under one kid, and a private key")
    func mergeRefusals() throws {
        let site = try CLIFixture()
        let (a, b) = (site.directory.file("a"), site.directory.file("b"))
        #expect(try site.run(["keys", "generate", "--kid", "k1", "--out", a]).status == 0)
        #expect(try site.run(["keys", "generate", "--kid", "k1", "--out", b]).status == 0)
        let clash = try site.run(["keys", "merge", "--out", site.directory.file("m.jwks"), a + "/k1.jwks", b + "/k1.jwks"])
        #expect(clash.status == 1 && clash.standardError.contains("kid \"k1\" names two different keys: in \(a)/k1.jwks and in \(b)/k1.jwks"), "\(clash.standardError)")
        let secret = try site.run(["keys", "merge", "--out", site.directory.file("m.jwks"), a + "/k1.jwks", a + "/k1.jwk"])
        #expect(secret.status == 1 && secret.standardError.contains("private key"), "\(secret.standardError)")
        #expect(!FileManager.default.fileExists(atPath: site.directory.file("m.jwks")))
    }
}
