/// The site broker: where it is, and how the device proves who it is.
public struct MQTTConfig: Sendable, Equatable {
    public enum ProtocolVersion: String, Sendable, CaseIterable {
        case v311 = "3.1.1"
        case v5 = "5"
    }

    /// `mqtt://HOST:PORT` or `mqtts://HOST:PORT`.
    public var url: String
    public var host: String
    public var port: Int
    public var usesTLS: Bool
    public var clientID: String?
    public var keepaliveSeconds: Int = 30
    public var protocolVersion: ProtocolVersion = .v5
    public var username: String?
    public var passwordFile: String?
    public var caFile: String?
    public var certificateFile: String?
    public var keyFile: String?
    /// The most events in flight (published, not yet acknowledged).
    public var window: Int = 256
    /// The longest wait between two connection attempts.
    public var reconnectMaximumSeconds: Int = 60

    public init(url: String, host: String, port: Int, usesTLS: Bool) {
        self.url = url
        self.host = host
        self.port = port
        self.usesTLS = usesTLS
    }

    /// Splits a broker URL into scheme, host and port; nil when it is not `mqtt://` or `mqtts://`.
    public static func parseURL(_ url: String) -> (host: String, port: Int, usesTLS: Bool)? {
        let usesTLS: Bool
        let rest: Substring
        if url.hasPrefix("mqtts://") {
            usesTLS = true
            rest = url.dropFirst(8)
        } else if url.hasPrefix("mqtt://") {
            usesTLS = false
            rest = url.dropFirst(7)
        } else {
            return nil
        }
        let hostPort = rest.hasSuffix("/") ? rest.dropLast() : rest
        let host: Substring
        var port = usesTLS ? 8883 : 1883
        if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let number = Int(after.dropFirst()) else { return nil }
                port = number
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = hostPort[..<colon]
            guard let number = Int(hostPort[hostPort.index(after: colon)...]) else { return nil }
            port = number
        } else {
            host = hostPort
        }
        guard !host.isEmpty, !host.contains("/"), (1...65535).contains(port) else { return nil }
        return (String(host), port, usesTLS)
    }
}
