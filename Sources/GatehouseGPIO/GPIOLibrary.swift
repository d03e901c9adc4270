import CGPIOD

/// Facts about the libgpiod this binary links.
public enum GPIOLibrary {
    /// libgpiod's version string, copied out of the library.
    public static var version: String {
        // gpiod_version_string returns a static string owned by libgpiod; it is copied, never freed.
        String(cString: gpiod_version_string())
    }
}
