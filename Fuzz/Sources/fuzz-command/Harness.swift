import FuzzSupport
import GatehouseCore

/// A signed command: the first line names the topic's command, the rest is the token.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = FuzzSupport.text(data, size)
    let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
    let name = parts.first.map(String.init) ?? ""
    let token = parts.count > 1 ? String(parts[1]) : ""
    let check = CommandCheck(site: "acme", device: "gate-01", clockSkewSeconds: 60, doors: ["gate"])
    _ = check.verify(token, topicName: name, trust: FuzzSupport.commandKeys.trust, now: Timestamp(millisecondsSinceEpoch: 1_790_000_000_000))
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver on this harness.
@_cdecl("fuzz_command_main")
public func harnessMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzSupport.run { data, size in fuzz(data ?? UnsafePointer(bitPattern: 1)!, size) }
}
