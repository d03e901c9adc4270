import Foundation
import GatehouseCore
import GatehouseStore

#if canImport(Glibc)
import Glibc
#endif

/// A Unix-domain stream socket: the owner of one file descriptor, closed on deinit. Every
/// wait is bounded, so the thread using it can notice a shutdown.
// The descriptor is used by one thread at a time: the server's thread, or the client's caller.
final class UnixSocket: @unchecked Sendable {
    /// Who is at the other end, from the kernel (SO_PEERCRED).
    struct Peer: Equatable {
        var pid: Int32
        var uid: UInt32
        var gid: UInt32
    }

    let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// The longest path a socket address holds.
    static let maximumPathLength = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    /// Binds and listens at `path`, replacing a stale socket file left by a crash; the file
    /// gets `mode`.
    static func listen(at path: String, mode: mode_t) throws(DaemonError) -> UnixSocket {
        let socket = try make()
        unlink(path)
        var address = try address(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket.descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            let code = errno
            if StateDirectoryAccess.denied(code) {
                let hint = StateDirectoryAccess.hint((path as NSString).deletingLastPathComponent)
                throw DaemonError(.socket, "cannot bind \(path): \(String(cString: strerror(code)))\(hint)")
            }
            throw failure("cannot bind \(path)")
        }
        guard chmod(path, mode) == 0 else { throw failure("cannot set the mode of \(path)") }
        guard Glibc.listen(socket.descriptor, 16) == 0 else { throw failure("cannot listen on \(path)") }
        return socket
    }

    /// Connects to the socket at `path`.
    static func connect(to path: String) throws(DaemonError) -> UnixSocket {
        let socket = try make()
        var address = try address(path)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket.descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            switch code {
            case EACCES, EPERM:
                throw DaemonError(.socket, "cannot connect to \(path): permission denied; the control socket is for root, the daemon's user and the members of control.group (run as one of them, or add yourself to that group)")
            case ENOENT, ECONNREFUSED:
                throw DaemonError(.socket, "cannot connect to \(path): no daemon is running on this configuration (start it with `systemctl start gatehouse` or `gatehouse run --config …`)")
            default:
                throw failure("cannot connect to \(path)")
            }
        }
        return socket
    }

    /// The next connection, or nil when none arrives within `milliseconds`.
    func accept(waiting milliseconds: Int32) throws(DaemonError) -> UnixSocket? {
        guard try wait(for: Int16(POLLIN), milliseconds: milliseconds) else { return nil }
        let client = Glibc.accept(descriptor, nil, nil)
        guard client >= 0 else {
            if errno == EAGAIN || errno == EINTR || errno == ECONNABORTED { return nil }
            throw Self.failure("accept failed")
        }
        _ = fcntl(client, F_SETFD, FD_CLOEXEC)
        return UnixSocket(descriptor: client)
    }

    /// The peer's process, user and group.
    func peer() throws(DaemonError) -> Peer {
        var credentials = (pid: Int32(0), uid: UInt32(0), gid: UInt32(0))
        var length = socklen_t(MemoryLayout.size(ofValue: credentials))
        guard getsockopt(descriptor, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 else {
            throw Self.failure("cannot read the peer's credentials")
        }
        return Peer(pid: credentials.pid, uid: credentials.uid, gid: credentials.gid)
    }

    /// Reads up to the first newline (not included). Gives up after `milliseconds` of silence
    /// or beyond `limit` bytes.
    func readLine(limit: Int, waiting milliseconds: Int32) throws(DaemonError) -> [UInt8] {
        var line: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            guard try wait(for: Int16(POLLIN), milliseconds: milliseconds) else {
                throw DaemonError(.socket, "no complete line within \(milliseconds) ms")
            }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                if count == 0, !line.isEmpty { return line }
                throw count == 0 ? DaemonError(.socket, "the other end closed the connection") : Self.failure("read failed")
            }
            if let newline = buffer[..<count].firstIndex(of: UInt8(ascii: "\n")) {
                line += buffer[..<newline]
                return line
            }
            line += buffer[..<count]
            guard line.count <= limit else { throw DaemonError(.request, "a request longer than \(limit) bytes") }
        }
    }

    /// Writes every byte.
    func write(_ bytes: [UInt8]) throws(DaemonError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw Self.failure("write failed") }
            offset += written
        }
    }

    private func wait(for events: Int16, milliseconds: Int32) throws(DaemonError) -> Bool {
        var entry = pollfd(fd: descriptor, events: events, revents: 0)
        while true {
            let ready = poll(&entry, 1, milliseconds)
            if ready < 0, errno == EINTR { continue }
            guard ready >= 0 else { throw Self.failure("poll failed") }
            return ready > 0
        }
    }

    private static func make() throws(DaemonError) -> UnixSocket {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw failure("cannot create a Unix socket") }
        return UnixSocket(descriptor: descriptor)
    }

    private static func address(_ path: String) throws(DaemonError) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumPathLength else {
            throw DaemonError(.socket, "socket path \(path) is longer than \(maximumPathLength) bytes; move the state directory")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        return address
    }

    private static func failure(_ what: String) -> DaemonError {
        DaemonError(.socket, "\(what): \(String(cString: strerror(errno)))")
    }
}
