import FuzzSupport
import GatehouseCore

/// Wiegand edges: each byte a pulse on D0 or D1 (its low bit) after a gap (the rest, in units of
/// 50 µs), then the quiet that ends the frame.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var decoder = WiegandDecoder()
    var time: Int64 = 0
    for byte in FuzzSupport.bytes(data, size) {
        time += Int64(byte >> 1) * 50
        _ = decoder.pulse(byte & 1 == 0 ? .d0 : .d1, at: time)
    }
    _ = decoder.tick(at: time + 1_000_000)
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver on this harness.
@_cdecl("fuzz_wiegand_main")
public func harnessMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzSupport.run { data, size in fuzz(data ?? UnsafePointer(bitPattern: 1)!, size) }
}
