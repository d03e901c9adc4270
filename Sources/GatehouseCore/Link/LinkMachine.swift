/// The link to the site broker as a state machine: the connection's life, the outbox's drain
/// (``OutboxDrain``), the acknowledged events waiting to be marked, the retained status, the
/// snapshot requests, the offline message at shutdown. It is driven by what the broker and the
/// device say (``Input``) and returns what to do (``Action``); the link thread carries that out
/// and reads and publishes the outbox through ``drain``. It reads no database: the bundle in
/// force and its staleness come from the access path with each input, as a ``DeviceStatus``.
public struct LinkMachine: Sendable {
    public enum Input: Sendable, Equatable {
        /// The broker accepted the connection; the outbox's next `seq` splits live from backlog.
        case connected(nextSeq: Int64)
        /// The connection is open and CONNECT went out, at this monotonic time (milliseconds);
        /// the broker has not answered yet.
        case connectSent(at: Int64)
        /// An attempt to connect failed (no route, a refused handshake).
        case connectFailed(message: String)
        /// The connection dropped, with the client library's code and its words for it.
        case disconnected(code: Int32, reason: String = "")
        /// The broker acknowledged a message.
        case acknowledged(messageID: Int32)
        /// The broker refused a message (an MQTT 5 PUBACK with a failure reason, in its words),
        /// at this monotonic time (milliseconds).
        case refused(messageID: Int32, reason: String, at: Int64)
        /// New events were stored.
        case stored
        /// A second passed, with the access path's status, at this monotonic time
        /// (milliseconds); `nextSeq` is the outbox's, for a drain that paused after a failed
        /// publish.
        case tick(DeviceStatus, nextSeq: Int64?, at: Int64)
        /// Shutting down: say offline, then stop.
        case stop(DeviceStatus)
    }

    public enum Action: Sendable, Equatable {
        /// Publish the retained status; report the message id with ``statusPublished(_:online:messageID:)``.
        case publishStatus(DeviceStatus, online: Bool)
        /// Ask the platform for a snapshot, saying which version the device holds.
        case requestSnapshot(LinkMessage.SnapshotReason, have: Int64?)
        case log(AccessNote)
    }

    public private(set) var drain: OutboxDrain
    public private(set) var isConnected = false
    public private(set) var isStopping = false
    /// The offline status's message id, until the broker acknowledges it.
    public private(set) var offlineMessageID: Int32?
    /// Events the broker acknowledged, to mark published after this run of inputs.
    public private(set) var acknowledgedSeqs: [Int64] = []
    /// How long a broker may hold a CONNECT unanswered before the log says so.
    public static let unansweredConnectMilliseconds: Int64 = 5000
    /// The MQTT version the client speaks, for the hint when a CONNECT goes unanswered.
    public let protocolVersion: MQTTConfig.ProtocolVersion
    /// Since when the CONNECT in flight has waited for its answer; nil when none is in flight.
    private var connectSentAt: Int64?
    /// How long a drain paused by a refused message waits before offering the events again.
    public static let refusedRetryMilliseconds: Int64 = 30_000
    /// When the events may be offered again after a refusal; nil when none is waiting.
    private var refusedRetryAt: Int64?
    /// Whether this connection has already said that the broker refuses messages.
    private var refusalReported = false
    /// Whether this outage has already said that the broker does not answer.
    private var unansweredReported = false
    private var everConnected = false
    private var connectFailures = 0
    private var lastStatus: DeviceStatus?
    private var staleRequested: Int64?
    /// The status as the access path last said it.
    private var status: DeviceStatus

    public init(window: Int, status: DeviceStatus, protocolVersion: MQTTConfig.ProtocolVersion = .v5) {
        self.protocolVersion = protocolVersion
        drain = OutboxDrain(window: window)
        self.status = status
    }

    public mutating func handle(_ input: Input) -> [Action] {
        switch input {
        case .connected(let nextSeq):
            isConnected = true
            connectFailures = 0
            (connectSentAt, unansweredReported, refusedRetryAt, refusalReported) = (nil, false, nil, false)
            drain.connected(nextSeq: nextSeq)
            var actions: [Action] = [.log(AccessNote(.info, "connected to the broker")), .publishStatus(status.published, online: true)]
            if !everConnected {
                everConnected = true
                if status.bundle == nil { actions.append(.requestSnapshot(.noPolicy, have: nil)) }
            }
            return actions + staleRequest()
        case .connectSent(let time):
            connectSentAt = time
            return []
        case .connectFailed(let message):
            connectSentAt = nil
            connectFailures += 1
            // Loud once per outage, quiet while it lasts.
            return [
                .log(AccessNote(connectFailures == 1 ? .warning : .debug, "cannot reach the broker; retrying with back-off", ["mqtt.error": message, "mqtt.attempts": "\(connectFailures)"]))
            ]
        case .disconnected(let code, let reason):
            let wasConnected = isConnected
            isConnected = false
            connectSentAt = nil
            drain.disconnected()
            guard wasConnected, !isStopping else { return [] }
            var metadata = ["mqtt.code": "\(code)"]
            if !reason.isEmpty { metadata["mqtt.reason"] = reason }
            return [.log(AccessNote(.warning, "connection to the broker lost; events wait in the outbox", metadata))]
        case .acknowledged(let messageID):
            if let seq = drain.acknowledged(messageID: messageID) {
                acknowledgedSeqs.append(seq)
            } else if messageID == offlineMessageID {
                offlineMessageID = nil
            }
            return []
        case .refused(let messageID, let reason, let time):
            let seq = drain.refused(messageID: messageID)
            if seq != nil { refusedRetryAt = time + Self.refusedRetryMilliseconds }
            if messageID == offlineMessageID { offlineMessageID = nil }  // nothing to wait for
            var metadata = ["mqtt.reason": reason, "mqtt.message_id": "\(messageID)"]
            if let seq { metadata["event.seq"] = "\(seq)" }
            guard !refusalReported else { return [.log(AccessNote(.debug, "the broker refused a message", metadata))] }
            refusalReported = true
            metadata["mqtt.hint"] = "the broker's ACL must let this device publish under its own topics, gatehouse/v1/SITE/DEVICE/# (docs/fleet.md)"
            return [.log(AccessNote(.error, "the broker refused a message; the events stay in the outbox and are offered again every 30 s", metadata))]
        case .stored:
            drain.stored()
            return []
        case .tick(let now, let nextSeq, let time):
            status = now
            guard isConnected, !isStopping else { return unanswered(at: time) }
            if drain.isPaused, let nextSeq, refusedRetryAt.map({ time >= $0 }) ?? true {
                refusedRetryAt = nil
                drain.retry(nextSeq: nextSeq)
            }
            var actions: [Action] = []
            if status.published != lastStatus { actions.append(.publishStatus(status.published, online: true)) }
            return actions + staleRequest()
        case .stop(let now):
            status = now
            isStopping = true
            return isConnected ? [.publishStatus(status.published, online: false)] : []
        }
    }

    /// The warning, once per outage, that the broker took the connection and has not answered
    /// its CONNECT within ``unansweredConnectMilliseconds``, with the likely causes.
    private mutating func unanswered(at time: Int64) -> [Action] {
        guard !isStopping, !unansweredReported, let sent = connectSentAt, time - sent >= Self.unansweredConnectMilliseconds else { return [] }
        unansweredReported = true
        let hint =
            switch protocolVersion {
            case .v5:
                "a broker that speaks only MQTT 3.1.1 leaves an MQTT 5 CONNECT unanswered: set protocol = \"3.1.1\" in [mqtt]; or the port is not an MQTT broker's (a TLS port without mqtts://, a proxy)"
            case .v311:
                "the port may not be an MQTT broker's (a TLS port without mqtts://, a proxy), or the broker is overloaded"
            }
        return [
            .log(AccessNote(.warning, "the broker took the connection but has not answered CONNECT", [
                "mqtt.protocol": protocolVersion.rawValue, "mqtt.waited_ms": "\(time - sent)", "mqtt.hint": hint,
            ]))
        ]
    }

    /// A status was published (`messageID` nil: libmosquitto refused it, and it is tried again).
    public mutating func statusPublished(_ published: DeviceStatus, online: Bool, messageID: Int32?) {
        guard let messageID else { return }
        if online { lastStatus = published } else { offlineMessageID = messageID }
    }

    /// The acknowledged events were marked published.
    public mutating func marked() { acknowledgedSeqs.removeAll(keepingCapacity: true) }

    /// What to read from the outbox next, if anything (nothing while stopping).
    public func nextFetch() -> OutboxDrain.Fetch? { isStopping ? nil : drain.nextFetch() }

    /// What was read for `fetch`; returns the `seq`s to publish.
    public mutating func accept(fetched seqs: [Int64], for fetch: OutboxDrain.Fetch) -> [Int64] { drain.accept(fetched: seqs, for: fetch) }

    /// An event went out as message `messageID`.
    public mutating func sent(seq: Int64, messageID: Int32) { drain.sent(seq: seq, messageID: messageID) }

    /// A read or a publish failed: the drain pauses until the next tick.
    public mutating func publishFailed() { drain.publishFailed() }

    /// A snapshot request once per stale version, while connected.
    private mutating func staleRequest() -> [Action] {
        guard let stale = status.staleBundle, staleRequested != stale else { return [] }
        staleRequested = stale
        return [.requestSnapshot(.policyStale, have: status.bundle)]
    }
}
