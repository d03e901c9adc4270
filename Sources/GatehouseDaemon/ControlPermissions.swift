import Foundation
import GatehouseCore

#if canImport(Glibc)
import Glibc
#endif

/// Who may use the control socket: root and the daemon's own user for every request but a
/// mode change; root and the members of `control.group` for every request, a mode change
/// included. Membership counts the peer's supplementary groups too, read from
/// `/proc/PID/status` (SO_PEERCRED gives only the primary one).
struct ControlPermissions: Sendable {
    enum Standing: Equatable {
        case root
        case daemonUser
        case operatorGroup
        case stranger
    }

    /// The configured group's id, if one is configured.
    let group: gid_t?

    /// Looks `name` up; a group that does not exist is a configuration error.
    init(groupName: String?) throws(DaemonError) {
        guard let groupName else {
            group = nil
            return
        }
        guard let entry = getgrnam(groupName) else {
            throw DaemonError(.config, "control.group: no group \"\(groupName)\" on this system")
        }
        group = entry.pointee.gr_gid
    }

    func standing(of peer: UnixSocket.Peer) -> Standing {
        if peer.uid == 0 { return .root }
        if let group, peer.gid == group || Self.supplementaryGroups(of: peer.pid).contains(group) { return .operatorGroup }
        if peer.uid == geteuid() { return .daemonUser }
        return .stranger
    }

    /// Gives the socket file to the group, so that its members can connect (the file is 0660).
    func share(_ path: String) throws(DaemonError) {
        guard let group else { return }
        guard chown(path, uid_t.max, group) == 0 else {
            throw DaemonError(.socket, "\(path): cannot give the control socket to group \(group): \(String(cString: strerror(errno)))")
        }
    }

    /// The `Groups:` line of `/proc/PID/status`.
    static func supplementaryGroups(of pid: Int32) -> [gid_t] {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Groups:") })
        else { return [] }
        return line.dropFirst("Groups:".count).split(whereSeparator: \.isWhitespace).compactMap { gid_t($0) }
    }

    /// A user's name, for the origin of what they ask (`cli:NAME`).
    static func userName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "\(uid)" }
        return String(cString: name)
    }
}
