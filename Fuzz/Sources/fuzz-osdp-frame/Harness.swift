import FuzzSupport
import GatehouseCore

/// Bytes from an RS-485 line: OSDP packets, parsed one after the other as the bus does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var rest = FuzzSupport.bytes(data, size)[...]
    while !rest.isEmpty {
        guard let (_, consumed) = try? OSDPPacket.parse(rest), consumed > 0 else { rest = rest.dropFirst(); continue }
        rest = rest.dropFirst(consumed)
    }
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver on this harness.
@_cdecl("fuzz_osdp_frame_main")
public func harnessMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzSupport.run { data, size in fuzz(data ?? UnsafePointer(bitPattern: 1)!, size) }
}
