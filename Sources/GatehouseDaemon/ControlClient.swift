import GatehouseCore

/// The client side of the control socket, for the CLI and the tests.
public enum ControlClient {
    /// Sends one request and returns the daemon's reply object.
    public static func send(_ request: JSONObject, to path: String, timeoutMilliseconds: Int32 = 15_000) throws(DaemonError) -> JSONObject {
        let socket = try UnixSocket.connect(to: path)
        try socket.write(Array((JSONValue.object(request).serialized + "\n").utf8))
        let line = try socket.readLine(limit: 1 << 20, waiting: timeoutMilliseconds)
        guard case .object(let reply)? = try? JSONReader.parse(line) else {
            throw DaemonError(.socket, "the daemon's reply is not a JSON object")
        }
        return reply
    }

    /// Presents a credential at a reader of the running daemon.
    public static func present(reader: String, format: String, value: String, socket path: String) throws(DaemonError) -> JSONObject {
        try send(JSONObject([("op", .string("present")), ("reader", .string(reader)), ("format", .string(format)), ("value", .string(value))]), to: path)
    }

    /// Types keys at a reader's keypad of the running daemon (a PIN: `1234#`).
    public static func keys(reader: String, keys: String, socket path: String) throws(DaemonError) -> JSONObject {
        try send(JSONObject([("op", .string("keys")), ("reader", .string(reader)), ("keys", .string(keys))]), to: path)
    }

    /// Sets a simulated input of the running daemon high or low.
    public static func setInput(_ name: String, high: Bool, socket path: String) throws(DaemonError) -> JSONObject {
        try send(JSONObject([("op", .string("input")), ("name", .string(name)), ("level", .string(high ? "high" : "low"))]), to: path)
    }

    /// Changes the running daemon's mode: `normal`, `lockdown` or `evacuation`, for the whole
    /// site, or adding zones to the mode (``ModeRequest``).
    public static func setMode(_ mode: ModeRequest, socket path: String) throws(DaemonError) -> JSONObject {
        var members: [(String, JSONValue)] = [("op", .string("mode")), ("mode", .string(mode.kind.rawValue))]
        if let zones = mode.zones { members.append(("zones", .array(zones.map(JSONValue.string)))) }
        if mode.drill { members.append(("drill", .bool(true))) }
        return try send(JSONObject(members), to: path)
    }

    /// Asks the running daemon for its muster list; it stores it as an event too.
    public static func muster(socket path: String) throws(DaemonError) -> JSONObject {
        try send(JSONObject([("op", .string("muster"))]), to: path)
    }
}

extension ControlClient {
    /// Asks the running daemon to apply the bundle file at `path` (absolute); `progress` hears
    /// each line of progress; returns the reply. A line may take up to `lineTimeoutMilliseconds`
    /// (a bundle queued behind others waits for them).
    public static func applyBundle(
        _ path: String, socket: String, lineTimeoutMilliseconds: Int32 = 600_000, progress: (_ bytesRead: Int64, _ totalBytes: Int64?, _ records: Int64) -> Void
    ) throws(DaemonError) -> JSONObject {
        let connection = try UnixSocket.connect(to: socket)
        try connection.write(Array((JSONValue.object(JSONObject([("op", .string("bundle_apply")), ("path", .string(path))])).serialized + "\n").utf8))
        while true {
            let line = try connection.readLine(limit: 1 << 20, waiting: lineTimeoutMilliseconds)
            guard case .object(let reply)? = try? JSONReader.parse(line) else {
                throw DaemonError(.socket, "the daemon's reply is not a JSON object")
            }
            guard case .object(let step)? = reply["progress"] else { return reply }
            if case .integer(let read)? = step["bytes_read"], case .integer(let records)? = step["records"] {
                let total: Int64? = if case .integer(let total)? = step["total_bytes"] { total } else { nil }
                progress(read, total, records)
            }
        }
    }
}
