import CMosquitto
import Foundation
import GatehouseCore
import GatehouseThreads
import Synchronization

/// A libmosquitto client with a network thread of its own, never Swift's cooperative pool.
///
/// The thread connects, runs libmosquitto's loop in waits of at most 100 ms, and reconnects
/// after a failure with exponential back-off and jitter (``ReconnectBackoff``). With a
/// persistent session (clean session off; for MQTT 5, a session that outlives the connection)
/// the broker keeps the subscriptions, and libmosquitto resends unacknowledged QoS 1 messages
/// after a reconnect. Everything the broker says arrives as an ``Event`` on that thread,
/// copied out of C first; handlers must return quickly.
public final class MQTTClient: BrokerPort {
    /// What happens on the link: the core's ``BrokerEvent``.
    public typealias Event = BrokerEvent

    /// What the C callbacks reach through the client's user pointer.
    private final class Callbacks: Sendable {
        let handler: @Sendable (Event) -> Void
        let subscriptions: [String]
        /// Set when the broker accepts a CONNECT; the network thread then resets its back-off.
        let accepted = Atomic<Bool>(false)
        /// Set when the broker answers a CONNECT at all, accepting or refusing it.
        let answered = Atomic<Bool>(false)
        /// The filter of each subscription not yet answered, by message id.
        let pendingSubscriptions = Mutex<[Int32: String]>([:])
        init(handler: @escaping @Sendable (Event) -> Void, subscriptions: [String]) {
            self.handler = handler
            self.subscriptions = subscriptions
        }
    }

    private let handle: MosquittoHandle
    private let callbacks: Callbacks
    private let started = Atomic<Bool>(false)
    /// The network thread, once started.
    private let thread = Mutex<DedicatedThread?>(nil)
    public let options: MQTTClientOptions

    private static let libraryReady: Bool = mosquitto_lib_init() == MOSQ_ERR_SUCCESS.rawValue

    /// Creates the client and applies the options (a missing TLS file is reported here);
    /// nothing connects until ``start()``. After each accepted connection the client subscribes
    /// to `options.subscriptions` at QoS 1.
    public init(options: MQTTClientOptions, handler: @escaping @Sendable (Event) -> Void) throws(MQTTError) {
        guard Self.libraryReady else { throw MQTTError(.setup, "libmosquitto failed to initialise") }
        let callbacks = Callbacks(handler: handler, subscriptions: options.subscriptions)
        // The user pointer is unretained: `callbacks` lives as long as this client, and the
        // callbacks run only inside mosquitto_loop on the network thread, which ends first.
        handle = try MosquittoHandle(
            clientID: options.clientID, cleanSession: !options.persistentSession, user: Unmanaged.passUnretained(callbacks).toOpaque())
        self.callbacks = callbacks
        self.options = options
        try configure()
    }

    deinit {
        stop()
    }

    private func configure() throws(MQTTError) {
        let mosq = handle.pointer
        let version = options.protocolVersion == .v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311
        try check(mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, Int32(version)), .setup, "protocol version")
        try check(mosquitto_int_option(mosq, MOSQ_OPT_SEND_MAXIMUM, Int32(options.maximumInflight)), .setup, "in-flight maximum")
        try check(mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1), .setup, "TCP_NODELAY")
        try check(mosquitto_threaded_set(mosq, true), .setup, "threading")
        if options.protocolVersion == .v5 && options.persistentSession {
            // MQTT 5 ends a session with its connection unless the client asks for longer.
            try check(
                mosquitto_property_add_int32(handle.connectProperties, Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue), options.sessionExpirySeconds),
                .setup, "session expiry")
        }
        if options.username != nil || options.password != nil {
            try check(mosquitto_username_pw_set(mosq, options.username, options.password), .setup, "username and password")
        }
        if options.usesTLS {
            // Without a CA file, the system's CA directory; libmosquitto checks that the files
            // can be read, and verifies the broker's certificate and host name when it connects.
            let capath = options.caFile == nil ? "/etc/ssl/certs" : nil
            try check(
                mosquitto_tls_set(mosq, options.caFile, capath, options.certificateFile, options.keyFile, nil), .setup,
                "TLS files (ca \(options.caFile ?? "system"), cert \(options.certificateFile ?? "none"), key \(options.keyFile ?? "none"))")
            try check(mosquitto_tls_opts_set(mosq, 1, nil, nil), .setup, "TLS peer verification")
            try check(mosquitto_tls_insecure_set(mosq, false), .setup, "TLS host name verification")
        }
        if let will = options.will {
            try check(
                will.payload.withUnsafeBytes { mosquitto_will_set(mosq, will.topic, Int32($0.count), $0.baseAddress, 1, will.retain) },
                .setup, "will message")
        }
        mosquitto_connect_callback_set(mosq) { mosq, user, code in
            guard let user else { return }
            let callbacks = Unmanaged<Callbacks>.fromOpaque(user).takeUnretainedValue()
            if code == 0 {
                for filter in callbacks.subscriptions {
                    var messageID: Int32 = 0
                    if mosquitto_subscribe(mosq, &messageID, filter, 1) == MOSQ_ERR_SUCCESS.rawValue {
                        callbacks.pendingSubscriptions.withLock { $0[messageID] = filter }
                    }
                }
                callbacks.accepted.store(true, ordering: .relaxed)
            }
            callbacks.answered.store(true, ordering: .relaxed)
            callbacks.handler(.connected(code: code))
        }
        mosquitto_disconnect_callback_set(mosq) { _, user, code in MQTTClient.dispatch(user, .disconnected(code: code)) }
        // MQTT 5 PUBACKs carry a reason: 0x80 and above is a refusal (not authorized, say), and the
        // message did not go through. A 3.1.1 broker always says 0.
        mosquitto_publish_v5_callback_set(mosq) { _, user, messageID, reason, _ in
            MQTTClient.dispatch(user, reason >= 0x80 ? .publishRefused(messageID: messageID, reasonCode: reason) : .acknowledged(messageID: messageID))
        }
        mosquitto_subscribe_callback_set(mosq) { _, user, messageID, count, granted in
            guard let user else { return }
            let callbacks = Unmanaged<Callbacks>.fromOpaque(user).takeUnretainedValue()
            let filter = callbacks.pendingSubscriptions.withLock { $0.removeValue(forKey: messageID) }
            let refused = (0..<Int(count)).contains { granted?[$0] ?? 0 >= 0x80 }
            if refused, let filter { callbacks.handler(.subscriptionRefused(filter: filter)) }
            callbacks.handler(.subscribed(messageID: messageID))
        }
        mosquitto_message_callback_set(mosq) { _, user, message in
            // The message belongs to libmosquitto until the callback returns: copy it out.
            guard let message = message?.pointee, let topic = message.topic else { return }
            let payload = message.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(message.payloadlen))) } ?? []
            MQTTClient.dispatch(user, .message(topic: String(cString: topic), payload: payload, retained: message.retain))
        }
    }

    private static func dispatch(_ user: UnsafeMutableRawPointer?, _ event: Event) {
        guard let user else { return }
        Unmanaged<Callbacks>.fromOpaque(user).takeUnretainedValue().handler(event)
    }

    /// Starts the network thread, which connects and keeps reconnecting until ``stop()``.
    public func start() {
        precondition(!started.exchange(true, ordering: .relaxed), "an MQTT client starts once")
        let network = DedicatedThread(name: "gatehouse.mqtt") { [handle, options, callbacks] in Self.run(handle, options, callbacks) }
        thread.withLock { $0 = network }
    }

    /// The network thread: connect, loop, back off, until stopped.
    private static func run(_ handle: MosquittoHandle, _ options: MQTTClientOptions, _ callbacks: Callbacks) {
        var backoff = ReconnectBackoff(
            initialMilliseconds: Int64(options.reconnectDelayMilliseconds), maximumMilliseconds: Int64(options.maximumReconnectDelaySeconds) * 1000)
        var random = SystemRandomNumberGenerator()
        var connected = false
        while !handle.stopping.load(ordering: .relaxed) {
            if !connected {
                let status = mosquitto_connect_bind_v5(handle.pointer, options.host, Int32(options.port), Int32(options.keepaliveSeconds), nil, handle.connectProperties.pointee)
                if status == MOSQ_ERR_SUCCESS.rawValue {
                    connected = true
                    callbacks.answered.store(false, ordering: .relaxed)
                    dispatch(mosquitto_userdata(handle.pointer), .connectSent)
                } else {
                    dispatch(mosquitto_userdata(handle.pointer), .connectFailed(message: "\(options.host):\(options.port): \(describe(status))"))
                    pause(milliseconds: backoff.nextDelay(using: &random), unless: handle)
                    continue
                }
            }
            let status = mosquitto_loop(handle.pointer, 100, 1)
            // Only an accepted CONNECT resets the back-off: a broker that takes the TCP connection
            // and refuses the client (a wrong password) must not be retried at full speed.
            if callbacks.accepted.exchange(false, ordering: .relaxed) { backoff.reset() }
            if status != MOSQ_ERR_SUCCESS.rawValue && !handle.stopping.load(ordering: .relaxed) {
                // Lost (or refused by the broker's CONNACK): wait, then connect again. A connection
                // that ends before any CONNACK (a TLS handshake the broker or this client refuses)
                // calls no callback, so it is reported here as the failed attempt it is.
                connected = false
                if !callbacks.answered.load(ordering: .relaxed) {
                    dispatch(mosquitto_userdata(handle.pointer), .connectFailed(message: "\(options.host):\(options.port): \(describe(status))"))
                }
                pause(milliseconds: backoff.nextDelay(using: &random), unless: handle)
            }
        }
        // Let a DISCONNECT that stop() queued go out: a few turns, until the connection is gone.
        for _ in 0..<10 {
            guard mosquitto_loop(handle.pointer, 50, 1) == MOSQ_ERR_SUCCESS.rawValue else { break }
        }
    }

    /// Sleeps in slices of 50 ms, so that a stop is noticed quickly.
    private static func pause(milliseconds: Int64, unless handle: MosquittoHandle) {
        // On the monotonic clock: a step of the wall clock does not change the back-off.
        let deadline = MonotonicClock.milliseconds() + milliseconds
        while case let left = deadline - MonotonicClock.milliseconds(), left > 0, !handle.stopping.load(ordering: .relaxed) {
            Thread.sleep(forTimeInterval: Double(min(50, left)) / 1000)
        }
    }

    /// Publishes at QoS 1; returns the message id that its ``Event/acknowledged(messageID:)``
    /// will carry. The acknowledgement can arrive before this returns. While disconnected,
    /// libmosquitto queues the message and sends it after the next connection; the
    /// acknowledgement comes then.
    @discardableResult
    public func publish(_ topic: String, _ payload: [UInt8], retain: Bool = false) throws(MQTTError) -> Int32 {
        var messageID: Int32 = 0
        let status = payload.withUnsafeBytes { bytes in
            mosquitto_publish(handle.pointer, &messageID, topic, Int32(bytes.count), bytes.baseAddress, 1, retain)
        }
        // libmosquitto queues a QoS 1 message and gives it its id before it finds the client
        // disconnected; it sends the message after the next connection (seen with 2.0.11), so
        // "not connected" with an id is a queued message, not a lost one.
        if status == MOSQ_ERR_NO_CONN.rawValue && messageID != 0 { return messageID }
        try check(status, .publish, topic)
        return messageID
    }

    /// Subscribes at QoS 1 now (the options' subscriptions are renewed on every connection).
    @discardableResult
    public func subscribe(_ topic: String) throws(MQTTError) -> Int32 {
        var messageID: Int32 = 0
        try check(mosquitto_subscribe(handle.pointer, &messageID, topic, 1), .subscribe, topic)
        return messageID
    }

    /// Disconnects cleanly (the will is not sent) and ends the network thread, waiting up to
    /// `timeout` seconds for it. A thread stuck in a blocking connect is left to finish on its
    /// own; it keeps the handle alive until it does.
    public func stop(timeout: TimeInterval = 5) {
        guard started.load(ordering: .relaxed), !handle.stopping.exchange(true, ordering: .relaxed) else { return }
        mosquitto_disconnect(handle.pointer)
        thread.withLock { $0 }?.joinBlocking(timeout: timeout)
    }

    private func check(_ status: Int32, _ code: ErrorCode<MQTTErrors>, _ what: String) throws(MQTTError) {
        guard status != MOSQ_ERR_SUCCESS.rawValue else { return }
        throw MQTTError(code, "\(what): \(Self.describe(status))")
    }

    /// The broker's words for a refused CONNECT: an MQTT 5 reason code or a 3.1.1 CONNACK code.
    public func describe(reasonCode code: Int32) -> String {
        String(cString: mosquitto_reason_string(code))
    }

    public func describe(connectCode code: Int32) -> String {
        String(cString: options.protocolVersion == .v5 ? mosquitto_reason_string(code) : mosquitto_connack_string(code))
    }

    /// libmosquitto's words for a dropped connection's code (`MOSQ_ERR_CONN_LOST`: "The
    /// connection was lost.").
    public func describe(disconnectCode code: Int32) -> String {
        Self.describe(code)
    }

    /// libmosquitto's words for a status, with errno's for a system error.
    static func describe(_ status: Int32) -> String {
        if status == MOSQ_ERR_ERRNO.rawValue { return String(cString: strerror(errno)) }
        return String(cString: mosquitto_strerror(status))
    }
}
