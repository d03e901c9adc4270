import CPNG
import CQREncode
import CZBar

/// Facts about the QR and image libraries this binary links.
public enum QRLibraries {
    /// zbar's version as `major.minor.patch`.
    public static var zbarVersion: String {
        var major: UInt32 = 0
        var minor: UInt32 = 0
        var patch: UInt32 = 0
        _ = zbar_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }

    /// libqrencode's version string.
    public static var qrencodeVersion: String {
        // QRcode_APIVersionString returns a static string owned by the library; copied, never freed.
        String(cString: QRcode_APIVersionString())
    }

    /// libpng's version string.
    public static var pngVersion: String {
        // png_get_libpng_ver returns a static string owned by libpng; copied, never freed.
        String(cString: png_get_libpng_ver(nil))
    }
}
