import FuzzSupport
import Foundation
import GatehouseCore

/// One line of a bundle's body: a record operation.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? BundleOperation.decode(line: FuzzSupport.bytes(data, size), isKnownTimeZone: { TimeZone(identifier: $0) != nil })
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver on this harness.
@_cdecl("fuzz_bundle_records_main")
public func harnessMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzSupport.run { data, size in fuzz(data ?? UnsafePointer(bitPattern: 1)!, size) }
}
