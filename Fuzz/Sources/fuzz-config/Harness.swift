import FuzzSupport
import GatehouseCore

/// `gatehouse.toml`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? GatehouseConfig.parse(toml: FuzzSupport.text(data, size), file: "gatehouse.toml")
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver on this harness.
@_cdecl("fuzz_config_main")
public func harnessMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzSupport.run { data, size in fuzz(data ?? UnsafePointer(bitPattern: 1)!, size) }
}
