import FuzzSupport
import Foundation
import GatehouseCore

/// A trust file (JWKS), for each purpose.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(FuzzSupport.bytes(data, size))
    for purpose in [KeyPurpose.bundle, .invite, .command] { _ = try? TrustSet(jwks: bytes, purpose: purpose) }
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver on this harness.
@_cdecl("fuzz_jwks_main")
public func harnessMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzSupport.run { data, size in fuzz(data ?? UnsafePointer(bitPattern: 1)!, size) }
}
