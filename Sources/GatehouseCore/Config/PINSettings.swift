/// How PINs are taken at readers of zones that require one (`[pin]`, contract 7.2).
public struct PINSettings: Sendable, Equatable {
    /// How long after the credential the PIN may be entered (`timeout_s`, 3 to 120, default 15).
    public var timeoutSeconds = 15
    /// Consecutive wrong PINs for one credential that lock it (`attempts`, 1 to 20, default 3).
    public var attempts = 3
    /// How long a locked credential is refused with `pin_wrong` (`lockout_s`, 10 to 86400, default 300).
    public var lockoutSeconds = 300
    /// A PIN of exactly this many digits is taken without `#` (`length`, 4 to 12); nil: `#` ends
    /// every PIN. `*` clears the digits typed so far.
    public var length: Int?

    /// The fewest and most digits a PIN has.
    public static let digits = 4...12

    public init(timeoutSeconds: Int = 15, attempts: Int = 3, lockoutSeconds: Int = 300, length: Int? = nil) {
        self.timeoutSeconds = timeoutSeconds
        self.attempts = attempts
        self.lockoutSeconds = lockoutSeconds
        self.length = length
    }

    /// Reads `[pin]`.
    static func parse(_ table: ConfigReader.Table) -> PINSettings {
        table.rejectUnknownKeys(["timeout_s", "attempts", "lockout_s", "length"])
        return PINSettings(
            timeoutSeconds: table.integer("timeout_s", default: 15, in: 3...120) ?? 15,
            attempts: table.integer("attempts", default: 3, in: 1...20) ?? 3,
            lockoutSeconds: table.integer("lockout_s", default: 300, in: 10...86_400) ?? 300,
            length: table.optionalInteger("length", in: digits))
    }
}
