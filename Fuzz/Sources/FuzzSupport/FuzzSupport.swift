import Foundation
import GatehouseCore
import GatehouseTesting

/// What the harnesses share: keys made once per process, the input as bytes and as text.
public enum FuzzSupport {
    /// Trust sets for each purpose, made once.
    public static let bundleKeys = TestKeys(kid: "bundle-1", purpose: .bundle)
    public static let inviteKeys = TestKeys(kid: "invite-1", purpose: .invite)
    public static let commandKeys = TestKeys(kid: "command-1", purpose: .command)

    /// The input's bytes, copied out of libFuzzer's buffer.
    public static func bytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// The input as text, invalid UTF-8 repaired as any reader of ours would see it.
    public static func text(_ data: UnsafePointer<UInt8>, _ size: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    }
}

import GatehouseAdmin

extension FuzzSupport {
    /// The CSV importer reads files: the input goes to one scratch file per process, rewritten for each run.
    static let scratch = NSTemporaryDirectory() + "gatehouse-fuzz-\(getpid()).csv"

    /// Imports `text` as a CSV file; problems are collected, never thrown for bad input.
    public static func importCSV(_ text: String) {
        FileManager.default.createFile(atPath: scratch, contents: Data(text.utf8))
        var problems: [String] = []
        try? CSVImporter(site: "acme", pinKey: PINKey(bytes: Array(repeating: 7, count: PINKey.byteCount))).read(scratch, problems: &problems) { _, _ in }
    }
}

/// libFuzzer's driver, for harnesses whose `main` is Swift's (SwiftPM names each executable's
/// entry point itself): it parses libFuzzer's arguments and calls `test` with each input.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

extension FuzzSupport {
    /// Runs libFuzzer with the process's arguments on `test`; returns its exit status.
    public static func run(_ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, test))
    }
}
