import CNFC
import GatehouseCore

/// libnfc's library context: it reads `/etc/nfc/libnfc.conf` and the `LIBNFC_*` environment.
/// One per process is enough; devices keep theirs alive for as long as they are open.
// The context is created once and never mutated afterwards; libnfc only reads it when devices
// are opened or listed, which is what makes sharing it between reader threads safe.
public final class NFCContext: @unchecked Sendable {
    /// Owned: created by nfc_init, freed by nfc_exit in deinit, after every device holding
    /// this object has closed.
    let pointer: OpaquePointer

    public init() throws(NFCError) {
        var context: OpaquePointer?
        nfc_init(&context)
        guard let context else { throw NFCError(.open, "libnfc could not be initialised (out of memory?)") }
        pointer = context
    }

    deinit {
        nfc_exit(pointer)
    }

    /// The connection strings of the readers libnfc finds by probing: USB readers (ACR122U,
    /// PN533) and, where libnfc was built with serial probing, UART ones. Copied out of libnfc.
    public func listDevices(maximum: Int = 16) -> [String] {
        let buffer = UnsafeMutablePointer<nfc_connstring>.allocate(capacity: maximum)
        defer { buffer.deallocate() }
        let found = nfc_list_devices(pointer, buffer, maximum)
        return (0..<found).map { index in
            withUnsafeBytes(of: &buffer[index]) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
    }
}
