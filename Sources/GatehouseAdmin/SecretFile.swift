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

    /// A device secrets file's text and what it holds; problems name the file, never a key.
    public static func readSecrets(_ path: String) throws(AdminError) -> (String, DeviceSecrets) {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw AdminError(.io, "\(path): cannot read the secrets file")
        }
        do {
            return (text, try DeviceSecrets.parse(toml: text, file: path))
        } catch {
            throw AdminError(.input, error.problems.map(\.description).joined(separator: "\n"))
        }
    }

    /// Replaces a secrets file with `text`: written beside it (mode 0600) and renamed over it, so
    /// that the file is whole at every moment.
    public static func replace(_ path: String, with text: String) throws(AdminError) {
        let temporary = path + ".new"
        try write(text, to: temporary, mode: 0o600, overwrite: true)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw AdminError(.io, "\(path): cannot replace the file: \(reason)")
        }
    }
}
