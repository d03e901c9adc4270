import CNFC

/// Facts about the libnfc this binary links.
public enum NFCLibrary {
    /// libnfc's version string, copied out of the library.
    public static var version: String {
        // nfc_version returns a static string owned by libnfc; it is copied, never freed.
        String(cString: nfc_version())
    }
}
