import FuzzSupport
import GatehouseCore

/// A bundle's manifest line, admitted against the bundle keys.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = FuzzSupport.text(data, size)
    _ = BundleAdmission.admit(manifestLine: line, trust: FuzzSupport.bundleKeys.trust, context: BundleAdmission.Context(site: "acme", device: "gate-01", applied: nil))
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver on this harness.
@_cdecl("fuzz_bundle_manifest_main")
public func harnessMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzSupport.run { data, size in fuzz(data ?? UnsafePointer(bitPattern: 1)!, size) }
}
