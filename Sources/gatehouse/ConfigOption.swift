import ArgumentParser
import Foundation

/// `--config FILE`, the same on every command: by default `$GATEHOUSE_CONFIG`, else
/// `/etc/gatehouse/gatehouse.toml` (the packaged layout).
struct ConfigOption: ParsableArguments {
    /// Where the configuration is when `--config` is not given.
    static var defaultPath: String {
        ProcessInfo.processInfo.environment["GATEHOUSE_CONFIG"].flatMap { $0.isEmpty ? nil : $0 } ?? "/etc/gatehouse/gatehouse.toml"
    }

    @Option(
        name: .customLong("config"),
        help: ArgumentHelp("The configuration file; $GATEHOUSE_CONFIG when set.", valueName: "file"))
    var path: String = ConfigOption.defaultPath
}
