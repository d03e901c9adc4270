import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStore
import GatehouseTesting
import Testing

@Suite("Bundle refusals leave the cache unchanged")
struct BundleRefusalTests {
    /// A store holding version 3 of a small staff list, and a refusal check on it.
    @discardableResult
    func assertRefused(_ reason: BundleRefusalReason, _ make: (StoreFixture) async throws -> [UInt8], sourceLocation: SourceLocation = #_sourceLocation) async throws -> BundleRefusal? {
        let store = try StoreFixture()
        try store.apply(try await store.forge.bundle(version: 3, lines: Records.staff(3)))
        let before = try store.snapshot()
        let eventsBefore = try store.eventTypes()
        let refusal = store.refusal(try await make(store))
        #expect(refusal?.reason == reason, "got \(String(describing: refusal))", sourceLocation: sourceLocation)
        #expect(try store.snapshot() == before, "the cache changed", sourceLocation: sourceLocation)
        #expect(try store.database.integrityCheck() == "ok", sourceLocation: sourceLocation)
        #expect(try store.database.openPolicy()?.integrityCheck() == "ok", sourceLocation: sourceLocation)
        // The refusal is reported, and nothing else is stored.
        #expect(try store.eventTypes() == eventsBefore + ["gatehouse.system.bundle_rejected"], sourceLocation: sourceLocation)
        return refusal
    }

    @Test("bad_signature: signed by the right kid with another key")
    func badSignature() async throws {
        try await assertRefused(.badSignature) { store in
            let impostor = TestKeys(kid: store.forge.keys.key.kid)
            let body = BundleForge.body(Records.staff(1))
            return try await store.forge.bundle(store.forge.claims(version: 4, body: body, records: 2), body: body, signer: impostor.key)
        }
    }

    @Test("bad_signature: alg none")
    func algorithmNone() async throws {
        try await assertRefused(.badSignature) { store in
            let header = Data(#"{"alg":"none","kid":"test-bundle-1"}"#.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
            let body = BundleForge.body(Records.staff(1))
            let claims = try JSONEncoder().encode(store.forge.claims(version: 4, body: body, records: 2)).base64EncodedString().replacingOccurrences(of: "=", with: "")
            return Array("\(header).\(claims).\n".utf8) + body
        }
    }

    @Test("unknown_key")
    func unknownKey() async throws {
        try await assertRefused(.unknownKey) { store in
            let stranger = TestKeys(kid: "stranger")
            let body = BundleForge.body(Records.staff(1))
            return try await store.forge.bundle(store.forge.claims(version: 4, body: body, records: 2), body: body, signer: stranger.key)
        }
    }

    @Test("wrong_site")
    func wrongSite() async throws {
        try await assertRefused(.wrongSite) { store in
            try await BundleForge(keys: store.forge.keys, site: "elsewhere").bundle(version: 4, lines: Records.staff(1))
        }
    }

    @Test("rollback: an older version, and the same version with another body")
    func rollback() async throws {
        try await assertRefused(.rollback) { store in try await store.forge.bundle(version: 2, lines: Records.staff(1)) }
        try await assertRefused(.rollback) { store in try await store.forge.bundle(version: 3, lines: Records.staff(1)) }
    }

    @Test("base_mismatch")
    func baseMismatch() async throws {
        try await assertRefused(.baseMismatch) { store in
            try await store.forge.bundle(version: 5, kind: .delta, base: 4, lines: [Records.delete("person", "p-0")])
        }
    }

    @Test("hash_mismatch: one byte of the body changed, and a truncated body")
    func hashMismatch() async throws {
        try await assertRefused(.hashMismatch) { store in
            var bytes = try await store.forge.bundle(version: 4, lines: Records.staff(2))
            bytes[bytes.count - 5] ^= 0x01
            return bytes
        }
        try await assertRefused(.hashMismatch) { store in
            Array(try await store.forge.bundle(version: 4, lines: Records.staff(2)).dropLast(20))
        }
    }

    @Test("hash_mismatch wins over a malformed record in a tampered body")
    func integrityFirst() async throws {
        try await assertRefused(.hashMismatch) { store in
            let signedBody = BundleForge.body(Records.staff(1))
            let tampered = BundleForge.body([#"{"op":"put","type":"person","id":"p-0","kind":"robot","status":"active"}"#])
            return try await store.forge.bundle(store.forge.claims(version: 4, body: signedBody, records: 2), body: tampered)
        }
    }

    @Test("count_mismatch")
    func countMismatch() async throws {
        try await assertRefused(.countMismatch) { store in
            let body = BundleForge.body(Records.staff(2))
            return try await store.forge.bundle(store.forge.claims(version: 4, body: body, records: 5), body: body)
        }
    }

    @Test("empty_snapshot")
    func emptySnapshot() async throws {
        try await assertRefused(.emptySnapshot) { store in
            try await store.forge.bundle(store.forge.claims(version: 4, body: [], records: 0), body: [])
        }
    }

    @Test(
        "malformed: bad records, a del in a snapshot, an unknown type, broken gzip",
        arguments: [
            #"{"op":"put","type":"person","id":"p-9","kind":"robot","status":"active"}"#,
            #"{"op":"del","type":"person","id":"p-0"}"#,
            #"{"op":"put","type":"spaceship","id":"x"}"#,
            "not json at all",
        ])
    func malformed(_ badLine: String) async throws {
        try await assertRefused(.malformed) { store in
            try await store.forge.bundle(version: 4, lines: Records.staff(2) + [badLine])
        }
    }

    @Test(
        "duplicate_record: one badge under two ids, one id twice in a snapshot, a delta giving a badge's value to another; named by ids, never by the UID",
        arguments: [
            // c-9's value is c-0's, which the snapshot puts first.
            (4, BundleManifest.Kind.snapshot, #"{"op":"put","type":"credential","id":"c-9","person":"p-1","format":"uid","value":"04000000000000","status":"active"}"#,
             #"credential "c-9" has the format and value of credential "c-0""#),
            // p-1 twice: once from the staff list, once more: never a silent last-wins.
            (4, .snapshot, #"{"op":"put","type":"person","id":"p-1","kind":"contractor","status":"active"}"#, #"body line 5: person "p-1" appears twice"#),
            (4, .delta, #"{"op":"put","type":"credential","id":"c-new","person":"p-1","format":"uid","value":"04000000000000","status":"active"}"#,
             #"credential "c-new" has the format and value of credential "c-0""#),
        ] as [(Int64, BundleManifest.Kind, String, String)])
    func duplicates(_ version: Int64, _ kind: BundleManifest.Kind, _ line: String, _ words: String) async throws {
        let refusal = try await assertRefused(.duplicateRecord) { store in
            try await kind == .snapshot
                ? store.forge.bundle(version: version, lines: Records.staff(2) + [line])
                : store.forge.bundle(version: version, kind: .delta, base: 3, lines: [line])
        }
        #expect(refusal?.detail.contains(words) == true, "\(String(describing: refusal))")
        #expect(refusal?.detail.contains("04000000000000") == false, "a UID never appears in a refusal")
    }

    @Test("a delta that puts an id the cache holds replaces the record, as before")
    func deltaReplaces() async throws {
        let store = try StoreFixture()
        try store.apply(try await store.forge.bundle(version: 3, lines: Records.staff(3)))
        let outcome = try store.apply(try await store.forge.bundle(version: 4, kind: .delta, base: 3, lines: [Records.person("p-1", kind: "contractor")]))
        guard case .applied(let manifest) = outcome else { Issue.record("the delta was not applied: \(outcome)"); return }
        #expect(manifest.version == 4)
        #expect(try PolicyReader(store.database).read { try $0.person("p-1")?.kind } == .contractor)
    }

    @Test("malformed: a gzip body that is not gzip")
    func brokenGzip() async throws {
        try await assertRefused(.malformed) { store in
            let body = BundleForge.body(Records.staff(2))
            return try await store.forge.bundle(store.forge.claims(version: 4, body: body, records: 4, gzip: true), body: body)
        }
    }

    @Test("malformed: no manifest line at all")
    func noManifest() async throws {
        try await assertRefused(.malformed) { _ in Array("garbage without a newline".utf8) }
    }

    @Test("the refusal names the body line and the field")
    func namesTheLine() async throws {
        let store = try StoreFixture()
        let bad = #"{"op":"put","type":"person","id":"p-9","kind":"robot","status":"active"}"#
        let refusal = store.refusal(try await store.forge.bundle(version: 1, lines: Records.staff(2) + [bad]))
        #expect(refusal?.detail.contains("body line 5: field `kind`: expected one of employee") == true, "\(String(describing: refusal))")
    }
}
