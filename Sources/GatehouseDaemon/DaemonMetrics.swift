import Foundation
import GatehouseCore
import GatehouseStore
import Logging
import Metrics
import Prometheus
import Synchronization

/// The daemon's metrics, through swift-metrics onto a Prometheus registry of its own (never the
/// process-wide one: tests run several daemons in one process), written as a node_exporter
/// textfile by ``MetricsService``. Nothing here names a person or a credential: decisions are
/// counted by result and reason, faults by reader, alarms by door.
public final class DaemonMetrics: Sendable {
    /// Buckets of the decision latency histogram, from a presentation's arrival at the access
    /// thread's queue to its stored event.
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
    ]

    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let latency: Metrics.Timer
    /// One counter per result and reason, made on first use.
    private let decisions = Mutex<[String: Metrics.Counter]>([:])
    private let connections: Metrics.Counter

    init(software: String) {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.latencyBuckets
        self.factory = factory
        latency = Metrics.Timer(label: "gatehouse_decision_seconds", dimensions: [], factory: factory)
        connections = Metrics.Counter(label: "gatehouse_link_connections_total", dimensions: [], factory: factory)
        Metrics.Gauge(label: "gatehouse_info", dimensions: [("version", software)], factory: factory).record(1)
    }

    /// A decision, and how long it took.
    func decided(_ decision: AccessDecision, nanoseconds: UInt64) {
        let key = "\(decision.granted ? "granted" : "denied") \(decision.reason.rawValue)"
        let counter = decisions.withLock { made in
            if let counter = made[key] { return counter }
            let counter = Metrics.Counter(
                label: "gatehouse_decisions_total", dimensions: [("result", decision.granted ? "granted" : "denied"), ("reason", decision.reason.rawValue)],
                factory: factory)
            made[key] = counter
            return counter
        }
        counter.increment()
        latency.recordNanoseconds(Int64(clamping: nanoseconds))
    }

    /// The door alarms among events just stored.
    func stored(_ events: [PendingEvent]) {
        for event in events {
            let kind: String
            switch event.type {
            case .alarmDoorForced: kind = "forced"
            case .alarmDoorHeld: kind = "held"
            default: continue
            }
            Metrics.Counter(label: "gatehouse_door_alarms_total", dimensions: [("door", event.subject), ("alarm", kind)], factory: factory).increment()
        }
    }

    /// A reader fault was raised.
    func readerFault(_ reader: String) {
        Metrics.Counter(label: "gatehouse_reader_faults_total", dimensions: [("reader", reader)], factory: factory).increment()
    }

    /// The broker accepted a connection.
    func connected() {
        connections.increment()
    }

    /// The gauges, as of now: the outbox (`waiting`, `oldest`), the link, the policy (its
    /// version and staleness from the access path, `appliedAt` its time of application).
    func refresh(waiting: Int?, oldest: Timestamp?, appliedAt: Timestamp?, link: MQTTLink.Shown?, device: DeviceStatus, now: Timestamp) {
        func gauge(_ label: String, _ value: Double) {
            Metrics.Gauge(label: label, dimensions: [], factory: factory).record(value)
        }
        // An event's time and a bundle's application are wall-clock timestamps, stored: their
        // age can only be read against the wall clock (the daemon's floored one).
        func age(_ time: Timestamp) -> Double { Double(max(0, now.millisecondsSinceEpoch - time.millisecondsSinceEpoch)) / 1000 }
        if let waiting {
            gauge("gatehouse_outbox_waiting", Double(waiting))
            gauge("gatehouse_outbox_oldest_age_seconds", oldest.map(age) ?? 0)
        }
        if let appliedAt { gauge("gatehouse_policy_age_seconds", age(appliedAt)) }
        gauge("gatehouse_policy_version", Double(device.bundle ?? 0))
        gauge("gatehouse_policy_stale", device.staleBundle == nil ? 0 : 1)
        gauge("gatehouse_clock_suspect", device.clockSuspect ? 1 : 0)
        if let link { gauge("gatehouse_link_connected", link.state == "connected" ? 1 : 0) }
    }

    /// The registry in Prometheus's text format.
    func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
