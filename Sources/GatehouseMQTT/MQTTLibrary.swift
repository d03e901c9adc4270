import CMosquitto

/// Facts about the libmosquitto this binary links.
public enum MQTTLibrary {
    /// libmosquitto's version as `major.minor.revision`.
    public static var version: String {
        var major: Int32 = 0
        var minor: Int32 = 0
        var revision: Int32 = 0
        _ = mosquitto_lib_version(&major, &minor, &revision)
        return "\(major).\(minor).\(revision)"
    }
}
