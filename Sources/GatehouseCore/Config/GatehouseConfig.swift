/// A device's configuration, parsed and validated (see config/gatehouse.toml).
public struct GatehouseConfig: Sendable, Equatable {
    /// The three trust files of protocol section 1.
    public struct Trust: Sendable, Equatable {
        public var bundleKeys: String
        public var inviteKeys: String
        public var commandKeys: String

        /// The file for one purpose.
        public func path(for purpose: KeyPurpose) -> String {
            switch purpose {
            case .bundle: bundleKeys
            case .invite: inviteKeys
            case .command: commandKeys
            }
        }
    }

    /// What the policy engine does where the wire contract leaves a choice.
    public struct Policy: Sendable, Equatable {
        /// Clock skew allowed on token and command times, in seconds.
        public var clockSkewSeconds: Int = 60
        /// Whether a visitor token for an invite the cache does not hold may still pass, by
        /// the token's own `zones`.
        public var acceptUncachedInvites = false
        /// Consecutive denials at one reader that raise `repeated_denials`.
        public var repeatedDenialsThreshold: Int = 5

        public init(clockSkewSeconds: Int = 60, acceptUncachedInvites: Bool = false, repeatedDenialsThreshold: Int = 5) {
            self.clockSkewSeconds = clockSkewSeconds
            self.acceptUncachedInvites = acceptUncachedInvites
            self.repeatedDenialsThreshold = repeatedDenialsThreshold
        }
    }

    /// How many events the outbox holds, and how long published ones are kept.
    public struct Outbox: Sendable, Equatable {
        /// The most events kept; at this many unpublished events the oldest are dropped, and
        /// an `outbox_high` alarm says which.
        public var maximumEvents: Int64 = 1_000_000
        /// Unpublished events that raise an `outbox_high` alarm; by default 80 % of the maximum.
        public var highWater: Int64 = 800_000
        /// How long a published event is kept before it is pruned.
        public var retentionHours: Int = 168

        public init(maximumEvents: Int64 = 1_000_000, highWater: Int64 = 800_000, retentionHours: Int = 168) {
            self.maximumEvents = maximumEvents
            self.highWater = highWater
            self.retentionHours = retentionHours
        }
    }

    /// Which hardware backends run.
    public struct Hardware: Sendable, Equatable {
        public enum GPIOBackend: String, Sendable, CaseIterable { case simulated, gpiod }
        public var gpio: GPIOBackend = .simulated
    }

    /// Guard tours.
    public struct Patrol: Sendable, Equatable {
        /// How long finished rounds are kept for `gatehouse patrol`.
        public var historyDays: Int = 90

        public init(historyDays: Int = 90) {
            self.historyDays = historyDays
        }
    }

    /// Evacuations and drills (contract 7.5).
    public struct Emergency: Sendable, Equatable {
        /// Whether a drill releases the doors a real evacuation releases
        /// (`drill_releases_doors`); false: people leave by their exit buttons.
        public var drillReleasesDoors = false

        public init(drillReleasesDoors: Bool = false) {
            self.drillReleasesDoors = drillReleasesDoors
        }
    }

    /// The state directory's free space.
    public struct Storage: Sendable, Equatable {
        /// Below this much free space in the state directory the device raises
        /// `alarm.storage_low`, once per episode (`[storage] low_free_mb`).
        public var lowFreeBytes: Int64 = 64_000_000

        public init(lowFreeBytes: Int64 = 64_000_000) {
            self.lowFreeBytes = lowFreeBytes
        }
    }

    /// What the daemon logs (`[log]`).
    public struct Log: Sendable, Equatable {
        /// The levels of swift-log, by name.
        public enum Level: String, Sendable, CaseIterable {
            case trace, debug, info, notice, warning, error, critical
        }

        /// The least severe level logged; `gatehouse run --log-level` overrides it.
        public var level: Level = .info

        public init(level: Level = .info) {
            self.level = level
        }
    }

    /// Metrics for Prometheus (`[metrics]`): written as a node_exporter textfile, never served
    /// on a socket.
    public struct Metrics: Sendable, Equatable {
        /// The directory node_exporter's textfile collector reads (`textfile_dir`);
        /// `gatehouse.prom` is replaced there atomically. Nil: no metrics (the default).
        public var textfileDirectory: String?
        /// How often the file is written (`interval_s`, 1 to 300, default 5).
        public var intervalSeconds: Int = 5

        public init(textfileDirectory: String? = nil, intervalSeconds: Int = 5) {
            self.textfileDirectory = textfileDirectory
            self.intervalSeconds = intervalSeconds
        }
    }

    /// Who may use the control socket besides root.
    public struct Control: Sendable, Equatable {
        /// A group whose members may use every request, `mode` included; the socket file
        /// belongs to it. Without it, only root and the daemon's own user connect, and only
        /// root changes the mode.
        public var group: String?

        public init(group: String? = nil) {
            self.group = group
        }
    }

    public var site: String
    public var device: String
    /// The SQLite database: the policy cache, runtime state and event outbox.
    public var database: String
    public var trust: Trust
    public var mqtt: MQTTConfig?
    public var outbox: Outbox
    public var policy: Policy
    public var hardware: Hardware
    public var control: Control
    public var patrol: Patrol
    public var emergency = Emergency()
    public var storage = Storage()
    public var log = Log()
    public var metrics = Metrics()
    /// How PINs are taken (`[pin]`).
    public var pin = PINSettings()
    /// The device secrets file (`secrets`): the PIN key, readers' keys; mode 0600. Nil: none.
    public var secrets: String?
    public var doors: [DoorConfig]
    public var readers: [ReaderConfig]
    public var outputs: [OutputLineConfig]
    public var inputs: [InputLineConfig]

    /// The door with this id.
    public func door(_ id: String) -> DoorConfig? { doors.first { $0.id == id } }

    /// The reader with this id.
    public func reader(_ id: String) -> ReaderConfig? { readers.first { $0.id == id } }

    /// A copy whose relative file paths are taken from `directory` (the config file's own).
    public func resolvingPaths(relativeTo directory: String) -> GatehouseConfig {
        func resolve(_ path: String) -> String {
            path.hasPrefix("/") || directory.isEmpty ? path : directory + "/" + path
        }
        var copy = self
        copy.database = resolve(database)
        copy.trust = Trust(bundleKeys: resolve(trust.bundleKeys), inviteKeys: resolve(trust.inviteKeys), commandKeys: resolve(trust.commandKeys))
        if var mqtt = copy.mqtt {
            mqtt.caFile = mqtt.caFile.map(resolve)
            mqtt.certificateFile = mqtt.certificateFile.map(resolve)
            mqtt.keyFile = mqtt.keyFile.map(resolve)
            mqtt.passwordFile = mqtt.passwordFile.map(resolve)
            copy.mqtt = mqtt
        }
        copy.metrics.textfileDirectory = metrics.textfileDirectory.map(resolve)
        copy.secrets = secrets.map(resolve)
        return copy
    }
}
