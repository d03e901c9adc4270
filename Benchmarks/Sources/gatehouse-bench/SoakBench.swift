import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseDaemon
import GatehouseMQTT
import GatehouseTesting
import Synchronization

/// Issue 21's long campaigns on the real `gatehouse run`: steady presentations at one reader
/// over the control socket, bundle pushes over MQTT (deltas and snapshots in turn), the
/// daemon's resident memory sampled each minute, and, with `--flap-ms`, the broker stopped and
/// started again every so many milliseconds. At the end every event the device stored is looked
/// for at a platform subscriber (persistent session): lost and duplicated events are counted.
struct SoakBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak", abstract: "Presentations and bundle pushes for a while; resident memory each minute; events lost and duplicated.")

    @Option(help: "How long to run.") var minutes = 60
    @Option(help: "Presentations a minute at one reader.") var rate = 600
    @Option(help: "Seconds between bundle pushes over MQTT; 0: none.") var bundleEvery = 60
    @Option(help: "People in the snapshot (each with a badge).") var staff = 1000
    @Option(help: "Stop and start the broker every N ms (0: never), for the first --flap-seconds.") var flapMs = 0
    @Option(help: "How long to flap the broker.") var flapSeconds = 60
    @Option(help: "The release gatehouse binary.") var gatehouse: String

    static let anna = "04A1B2C3D4E5F6"

    func run() throws {
        let directory = TemporaryDirectory("gatehouse-soak")
        let broker = try MosquittoBroker()
        let configPath = try SiteInitializer(site: "bench", device: "gate-01", mqttURL: "mqtt://127.0.0.1:\(broker.port)").write(to: directory.path)[0]
        let site = Site(directory: directory, gatehouse: gatehouse, configPath: configPath, staff: staff)
        try site.apply(try site.build(version: 1))
        let platform = try Subscriber(port: broker.port)
        let daemon = try RunningDaemon(config: configPath, logFile: directory.file("daemon.log"), executable: gatehouse)
        print("soak: \(minutes) min, \(rate) presentations/min at gate-in, a bundle every \(bundleEvery) s, \(staff) people" + (flapMs > 0 ? ", broker flapping every \(flapMs) ms for \(flapSeconds) s" : ""))

        let load = PresentationLoad(socket: daemon.socket, perMinute: rate, unknown: Records.uid(staff + 7))
        let flapping = flapMs > 0 ? BrokerFlapper(broker: broker, milliseconds: flapMs, seconds: flapSeconds) : nil
        load.start()
        flapping?.start()
        let clock = ContinuousClock()
        let start = clock.now
        var samples: [Int] = []
        var version = 1
        var nextBundle = start + .seconds(max(bundleEvery, 1))
        for minute in 1...minutes {
            let end = start + .seconds(minute * 60)
            while clock.now < end {
                if bundleEvery > 0, clock.now >= nextBundle {
                    version += 1
                    try platform.publish("gatehouse/v1/bench/gate-01/bundle", try site.build(version: version, delta: version % 2 == 1))
                    nextBundle = nextBundle + .seconds(bundleEvery)
                }
                let wait = clock.now.duration(to: min(end, bundleEvery > 0 ? nextBundle : end))
                if wait > .zero { Thread.sleep(forTimeInterval: Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18) }
            }
            let rss = Self.residentKilobytes(daemon.pid)
            samples.append(rss)
            let figures = load.figures
            print("minute \(minute): rss \(String(format: "%.1f", Double(rss) / 1024)) MB, presented \(figures.attempted), answered \(figures.answered), failed \(figures.failed), bundle v\(version)")
        }
        load.finish()
        flapping?.finish()
        try site.waitForEmptyOutbox()
        let stored = try site.storedEventIDs()
        guard daemon.stop() == 0 else { throw ValidationError("the daemon did not stop cleanly; see \(directory.file("daemon.log"))") }
        try platform.waitFor(stored)
        let received = platform.received
        let distinct = Set(received)
        let figures = load.figures
        let applied = try site.appliedVersion()
        print(
            """
            soak result: \(minutes) min; presented \(figures.attempted) (\(figures.attempted / max(minutes, 1))/min), answered \(figures.answered), failed \(figures.failed)
              rss: first minute \(samples.first.map { String(format: "%.1f", Double($0) / 1024) } ?? "-") MB, last \(samples.last.map { String(format: "%.1f", Double($0) / 1024) } ?? "-") MB, max \(String(format: "%.1f", Double(samples.max() ?? 0) / 1024)) MB; after the first minute growth \(Self.growth(samples))
              bundles: pushed up to v\(version), in force v\(applied)\(flapping.map { "; broker restarts \($0.restarts)" } ?? "")
              events: stored \(stored.count), received \(received.count), duplicates \(received.count - distinct.count), lost \(Set(stored).subtracting(distinct).count)
            """)
    }

    /// The daemon's VmRSS in kB, from /proc.
    static func residentKilobytes(_ pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// From the second sample to the last, in MB and per hour.
    static func growth(_ samples: [Int]) -> String {
        guard samples.count >= 3 else { return "n/a (fewer than 3 samples)" }
        let change = Double(samples[samples.count - 1] - samples[1]) / 1024
        return String(format: "%+.1f MB over %d min (%+.1f MB/h)", change, samples.count - 2, change * 60 / Double(samples.count - 2))
    }
}
