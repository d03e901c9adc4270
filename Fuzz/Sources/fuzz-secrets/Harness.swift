import FuzzSupport
import GatehouseCore

/// The device secrets file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    if let secrets = try? DeviceSecrets.parse(toml: FuzzSupport.text(data, size), file: "secrets.toml") {
        // No run of 32 hex digits (a key) in what a log would show.
        var run = 0
        for character in "\(secrets)" {
            run = character.isHexDigit ? run + 1 : 0
            precondition(run < 32, "a secret's description never shows a key")
        }
    }
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver on this harness.
@_cdecl("fuzz_secrets_main")
public func harnessMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzSupport.run { data, size in fuzz(data ?? UnsafePointer(bitPattern: 1)!, size) }
}
