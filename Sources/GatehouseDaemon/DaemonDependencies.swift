import GatehouseCore
import GatehouseGPIO
import GatehouseMQTT
import GatehouseNFC
import GatehouseOSDP
import GatehouseQR
import Logging
import Synchronization

/// Makes the client the link talks through: libmosquitto's, or a simulated twin in tests.
public typealias BrokerFactory = @Sendable (MQTTClientOptions, @escaping @Sendable (BrokerEvent) -> Void) throws -> any BrokerPort

/// Makes the port of each reader that has a thread of its own (NFC readers, scanners, cameras);
/// nil for a simulated reader, which is fed through the control socket.
public typealias ReaderFactory = @Sendable (ReaderConfig) throws(DaemonError) -> (any CredentialReaderPort)?

/// What a daemon is made with besides its configuration: the parts `gatehouse run` takes from
/// the machine and tests replace. Production code depends on these ports, never on a twin.
public struct DaemonDependencies: Sendable {
    /// The software's name and version, for `system.started` and the status.
    public var software: String
    public var logger: Logger
    public var clock: DaemonClock = .system
    /// The file SIGHUP reloads and error messages name; nil: no reload (in-process tests).
    public var configPath: String?
    /// The GPIO lines; nil: as `[hardware] gpio` says (simulated, or libgpiod).
    public var gpio: (any GPIOPort)?
    /// The readers' ports; nil: from each reader's configuration, on real devices.
    public var readers: ReaderFactory?
    /// The MQTT client; nil: libmosquitto's.
    public var broker: BrokerFactory?
    /// The database file; nil: the configuration's `database`.
    public var database: String?
    /// Whether SIGTERM and SIGINT shut the daemon down and SIGHUP reloads it (false for
    /// daemons inside a test process, which end by ``Daemon/shutdown()``).
    public var handlesSignals = true
    /// Whether to talk to systemd when `NOTIFY_SOCKET` is set.
    public var notifiesSystemd = true

    public init(software: String, logger: Logger, configPath: String? = nil) {
        self.software = software
        self.logger = logger
        self.configPath = configPath
    }

    /// The readers on the machine's devices: NFC readers through one libnfc context made for
    /// the first of them, serial and keyboard-wedge scanners, V4L2 cameras, simulated cameras.
    /// OSDP readers share one bus per tty, with their keys from `secrets`. NFC readers that
    /// authenticate cards take the card master keys from `secrets` and keep SUN counters in
    /// `counters`.
    public static func deviceReaders(
        config: GatehouseConfig? = nil, secrets: DeviceSecrets = .none, counters: any SUNCounterPort = MemorySUNCounters(), logger: Logger = Logger(label: "gatehouse")
    ) -> ReaderFactory {
        let context = Mutex<NFCContext?>(nil)
        let buses = Mutex<[String: OSDPBus]>([:])
        return { reader throws(DaemonError) in
            switch reader.source {
            case .osdp(let osdp):
                let bus = buses.withLock { buses in
                    if let bus = buses[osdp.device] { return bus }
                    let readers = (config?.readers ?? [reader]).compactMap { other -> (OSDPReaderMachine.Settings, [WiegandFormat])? in
                        guard case .osdp(let settings) = other.source, settings.device == osdp.device else { return nil }
                        return (
                            OSDPReaderMachine.Settings(
                                address: UInt8(settings.address), key: secrets.osdpKeys[other.id], masterKey: secrets.osdpMasterKey, install: settings.install),
                            settings.formats
                        )
                    }
                    let bus = OSDPBus(device: osdp.device, baudRate: osdp.baudRate, readers: readers, logger: logger)
                    buses[osdp.device] = bus
                    return bus
                }
                return OSDPReaderPort(bus: bus, address: UInt8(osdp.address))
            case .simulated:
                return nil
            case .nfc(let connection, _):
                let shared: NFCContext
                do throws(NFCError) {
                    shared = try context.withLock { context throws(NFCError) in
                        if let context { return context }
                        let made = try NFCContext()
                        context = made
                        return made
                    }
                } catch {
                    throw DaemonError(.nfc, error.message)
                }
                var authenticator: CardAuthenticator?
                if reader.cardSecurity.authenticates {
                    let site = config?.site ?? ""
                    authenticator = CardAuthenticator(
                        security: reader.cardSecurity, keys: CardKeys(masters: secrets.cardMasterKeys, site: site), site: site, counters: counters)
                }
                return NFCBadgeReader(context: shared, connection: connection, authenticator: authenticator)
            case .serial(let device, let baudRate, let terminator):
                return SerialScanner(device: device, baudRate: baudRate, terminator: terminator)
            case .keyboard(let device, let layout):
                return KeyboardWedgeScanner(device: device, layout: layout)
            case .camera(let device, let settings):
                let camera = V4L2Camera(device: device, width: settings.width, height: settings.height, framesPerSecond: settings.framesPerSecond)
                return CameraReader(source: camera, settings: settings)
            case .wiegand(let settings):
                return WiegandReader(lines: GPIODWiegandLines(settings: settings), settings: settings)
            case .simulatedCamera(let frames, let settings):
                return CameraReader(source: SimulatedCamera(directory: frames, framesPerSecond: settings.framesPerSecond), settings: settings)
            }
        }
    }
}
