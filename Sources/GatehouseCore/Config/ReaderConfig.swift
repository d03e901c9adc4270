/// A reader: where credentials are presented, which door and direction it serves, or which
/// patrol checkpoint it is.
public struct ReaderConfig: Sendable, Equatable {
    public enum Direction: String, Sendable, CaseIterable { case `in`, out }

    /// The reader's hardware.
    public enum Source: Sendable, Equatable {
        /// Fed through the daemon's control socket (`gatehouse simulate`).
        case simulated
        /// An NFC reader, by its libnfc connection string (`pn532_uart:/dev/ttyUSB0`), looked at
        /// every `pollMilliseconds` (`poll_ms`).
        case nfc(connection: String, pollMilliseconds: Int = 50)
        /// A V4L2 camera decoding QR codes.
        case camera(device: String, CameraSettings)
        /// The camera's simulated twin: it plays the image files of a directory (`frames`).
        case simulatedCamera(frames: String, CameraSettings)
        /// A serial line scanner: one code per line, lines ended by `terminator`.
        case serial(device: String, baudRate: Int, terminator: LineTerminator = .any)
        /// A USB keyboard-wedge scanner read through evdev.
        case keyboard(device: String, layout: KeyboardLayout.Name)
        /// A Wiegand reader (and keypad) on two GPIO input lines.
        case wiegand(WiegandSettings)
        /// An OSDP reader on an RS-485 bus, always in a secure channel.
        case osdp(OSDPSettings)
    }

    /// An OSDP reader's bus, address and commissioning.
    public struct OSDPSettings: Sendable, Equatable {
        /// The bus's tty (`device`), shared by the readers on it.
        public var device: String
        /// 9600, 19200, 38400, 57600 or 115200 (`baud`), the same for every reader of a bus.
        public var baudRate: Int
        /// 0 to 126 (`address`), unique on its bus.
        public var address: Int
        /// Whether the reader may be commissioned from the default key SCBK-D (`install`).
        public var install: Bool
        /// The formats its card bits are read by (`formats`), as a Wiegand reader's.
        public var formats: [WiegandFormat]

        public init(device: String, baudRate: Int = 9600, address: Int, install: Bool = false, formats: [WiegandFormat] = WiegandFormat.defaults) {
            self.device = device
            self.baudRate = baudRate
            self.address = address
            self.install = install
            self.formats = formats
        }
    }

    /// The baud rates of an OSDP bus.
    public static let osdpBaudRates = [9600, 19200, 38400, 57600, 115_200]

    /// A Wiegand reader's wires and card formats.
    public struct WiegandSettings: Sendable, Equatable {
        /// The GPIO chip of both data lines (`chip`).
        public var chip: String
        /// The line offsets of DATA0 and DATA1 (`d0`, `d1`): idle high, a pulse low is a bit.
        public var d0: Int
        public var d1: Int
        /// The card formats tried, in order (`formats`: built-in names or `[wiegand_formats.NAME]`).
        public var formats: [WiegandFormat]
        /// The quiet that ends a frame (`quiet_ms`, 5 to 500, default 25).
        public var quietMilliseconds: Int

        public init(chip: String = "gpiochip0", d0: Int, d1: Int, formats: [WiegandFormat] = WiegandFormat.defaults, quietMilliseconds: Int = 25) {
            self.chip = chip
            self.d0 = d0
            self.d1 = d1
            self.formats = formats
            self.quietMilliseconds = quietMilliseconds
        }
    }

    /// How a camera captures and decodes.
    public struct CameraSettings: Sendable, Equatable {
        public var width = 640
        public var height = 480
        public var framesPerSecond = 15
        /// zbar looks at every `density`-th row and column (1 to 8).
        public var density = 1
        /// The rectangle of the frame to decode (`region = [x, y, width, height]`); nil: all of it.
        public var region: [Int]?

        public init() {}
    }

    /// What ends a serial scanner's line (`terminator`): carriage return, line feed, both, or
    /// either (empty lines are skipped, so CR LF works too).
    public enum LineTerminator: String, Sendable, CaseIterable { case any, cr, lf, crlf }

    /// The baud rates a serial scanner may be set to.
    public static let baudRates = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115_200, 230_400, 460_800, 921_600]

    /// How an NFC reader trusts a card (`card_security`, contract 7.3): by its UID alone, or by a
    /// cryptographic check of a DESFire EV2/EV3 or an NTAG 424 DNA (``CardAuthenticator``).
    public enum CardSecurity: Sendable, Equatable, CustomStringConvertible {
        case uid
        /// DESFire EV2/EV3; `fullFileMode`: the credential file is read in `CommMode.Full`
        /// (`file_mode = "full"`, the default) or `.MAC` (`"mac"`).
        case desfire(fullFileMode: Bool = true)
        /// NTAG 424 DNA: a live AuthenticateEV2First (`ntag424_check = "authenticate"`, the
        /// default) or the tag's SUN message checked offline (`"sun"`).
        case ntag424(sun: Bool)

        public static let desfire = CardSecurity.desfire()

        /// Whether the reader authenticates cards.
        public var authenticates: Bool { self != .uid }

        /// `uid`, `desfire` or `ntag424`, as the config and `status` name it.
        public var description: String {
            switch self {
            case .uid: "uid"
            case .desfire: "desfire"
            case .ntag424: "ntag424"
            }
        }
    }

    /// The `type` key's values.
    public enum SourceType: String, Sendable, CaseIterable { case simulated, nfc, camera, serial, keyboard, wiegand, osdp }

    public var id: String
    public var source: Source
    /// The door it serves; nil for a checkpoint-only reader.
    public var door: String?
    public var direction: Direction
    /// The patrol checkpoint id, when guards tap here on their rounds.
    public var checkpoint: String?
    /// A credential held at the reader counts again after this many seconds (`repeat_after_s`);
    /// nil: only once it was taken away.
    public var repeatAfterSeconds: Int?
    /// The output (an LED or a beeper on the reader) pulsed briefly to confirm a guard's visit.
    public var feedback: String?
    /// The reader's LED wire (`led`): lit on a grant, held while a PIN is wanted.
    public var led: String?
    /// The reader's beeper wire (`beeper`): a chirp on a grant, a long beep on a denial.
    public var beeper: String?
    /// How the reader trusts cards (`card_security`); `uid` but for NFC readers that authenticate.
    public var cardSecurity: CardSecurity = .uid
    /// A muster point at an assembly area (`role = "muster"`, contract 7.5): it serves no door;
    /// during an evacuation a credential here marks its person safe.
    public var isMusterPoint = false
}
