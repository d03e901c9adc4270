import GatehouseTesting
import Testing

@testable import GatehouseCore

@Suite("Bundle admission rules")
struct BundleAdmissionTests {
    func manifest(version: Int64, kind: BundleManifest.Kind = .snapshot, base: Int64? = nil, sha: String = String(repeating: "a", count: 64), records: Int64 = 1, devices: [String]? = nil, allowEmpty: Bool = false, site: String = "acme") -> BundleManifest {
        BundleManifest(site: site, issuedAt: Timestamp(millisecondsSinceEpoch: 0), version: version, kind: kind, base: base, sha256: sha, bytes: 1, records: records, encoding: .ndjson, devices: devices, allowEmpty: allowEmpty, keyID: "k")
    }

    func applied(_ version: Int64, sha: String = String(repeating: "a", count: 64)) -> AppliedBundle {
        AppliedBundle(version: version, kind: .snapshot, sha256: sha, appliedAt: Timestamp(millisecondsSinceEpoch: 0))
    }

    func reason(_ manifest: BundleManifest, applied: AppliedBundle?) -> BundleRefusalReason? {
        if case .failure(let refusal) = BundleAdmission.check(manifest, context: .init(site: "acme", device: "gate-01", applied: applied)) {
            return refusal.reason
        }
        return nil
    }

    @Test("applies a first snapshot and a newer one")
    func appliesNewer() {
        #expect(reason(manifest(version: 1), applied: nil) == nil)
        #expect(reason(manifest(version: 5), applied: applied(4)) == nil)
    }

    @Test("acknowledges the same version with the same hash as a no-op")
    func noop() {
        let same = manifest(version: 4)
        #expect(BundleAdmission.check(same, context: .init(site: "acme", device: "d", applied: applied(4))) == .success(.noop(same)))
    }

    @Test("refuses replays and rollbacks")
    func rollback() {
        #expect(reason(manifest(version: 4, sha: String(repeating: "b", count: 64)), applied: applied(4)) == .rollback)
        #expect(reason(manifest(version: 3), applied: applied(4)) == .rollback)
    }

    @Test("refuses a delta that does not fit the applied version")
    func baseMismatch() {
        #expect(reason(manifest(version: 6, kind: .delta, base: 5), applied: applied(5)) == nil)
        #expect(reason(manifest(version: 6, kind: .delta, base: 4), applied: applied(5)) == .baseMismatch)
        #expect(reason(manifest(version: 2, kind: .delta, base: 1), applied: nil) == .baseMismatch)
    }

    @Test("refuses another site, and a device list without this device")
    func wrongSite() {
        #expect(reason(manifest(version: 1, site: "other"), applied: nil) == .wrongSite)
        #expect(reason(manifest(version: 1, devices: ["gate-02"]), applied: nil) == .wrongSite)
        #expect(reason(manifest(version: 1, devices: ["gate-02", "gate-01"]), applied: nil) == nil)
    }

    @Test("refuses an empty snapshot unless it says allow_empty")
    func emptySnapshot() {
        #expect(reason(manifest(version: 1, records: 0), applied: nil) == .emptySnapshot)
        #expect(reason(manifest(version: 1, records: 0, allowEmpty: true), applied: nil) == nil)
    }
}
