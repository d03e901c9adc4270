/// The three separate trust sets of protocol section 1. A key trusted for one purpose is not
/// trusted for another.
public enum KeyPurpose: String, Sendable, CaseIterable {
    /// Whitelist bundles.
    case bundle
    /// Visitor QR tokens.
    case invite
    /// Remote commands.
    case command
}
