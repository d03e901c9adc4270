import Foundation
import GatehouseCore

/// Writes files that must not be lost or exposed: never over an existing file, private keys
/// with mode 0600 from the moment they exist.
public enum SecretFile {
    /// Writes `text` to `path`, failing if the file exists unless `overwrite`.
    public static func write(_ text: String, to path: String, mode: mode_t, overwrite: Bool = false) throws(AdminError) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw AdminError(.io, "\(directory): cannot create the directory: \(error.localizedDescription)")
            }
        }
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL)
        let descriptor = open(path, flags, mode)
        guard descriptor >= 0 else {
            let reason = errno == EEXIST ? "exists already; refusing to overwrite it" : String(cString: strerror(errno))
            throw AdminError(errno == EEXIST ? .exists : .io, "\(path): \(reason)")
        }
        defer { close(descriptor) }
        // open() applies the umask; set the mode exactly.
        fchmod(descriptor, mode)
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            guard result > 0 else {
                throw AdminError(.io, "\(path): write failed: \(String(cString: strerror(errno)))")
            }
            written += result
        }
    }
}
