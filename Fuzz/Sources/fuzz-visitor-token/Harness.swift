import FuzzSupport
import GatehouseCore

/// A visitor's QR token, verified with the invite keys, and read as a scanned code.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = FuzzSupport.text(data, size)
    _ = FuzzSupport.inviteKeys.trust.verify(text, as: VisitorTokenClaims.self)
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver on this harness.
@_cdecl("fuzz_visitor_token_main")
public func harnessMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzSupport.run { data, size in fuzz(data ?? UnsafePointer(bitPattern: 1)!, size) }
}
