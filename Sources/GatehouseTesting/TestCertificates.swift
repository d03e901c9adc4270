import Foundation

/// Certificates made with openssl for TLS tests: a site CA, the broker's certificate for
/// 127.0.0.1 and localhost, a device certificate from the same CA, and a device certificate
/// from another CA, which the broker must refuse.
public struct TestCertificates: Sendable {
    public let directory: TemporaryDirectory
    public var caFile: String { directory.file("ca.pem") }
    public var brokerCertificate: String { directory.file("broker.pem") }
    public var brokerKey: String { directory.file("broker.key") }
    public var deviceCertificate: String { directory.file("device.pem") }
    public var deviceKey: String { directory.file("device.key") }
    public var strangerCertificate: String { directory.file("stranger.pem") }
    public var strangerKey: String { directory.file("stranger.key") }
    /// A broker certificate for a host name other than the one the device connects to.
    public var wrongHostCertificate: String { directory.file("wrong-host.pem") }
    public var wrongHostKey: String { directory.file("wrong-host.key") }

    public init() throws {
        directory = TemporaryDirectory("gatehouse-tls")
        try makeCA("ca", subject: "/CN=Gatehouse test site CA")
        try makeCA("other-ca", subject: "/CN=Some other CA")
        try issue("broker", by: "ca", subject: "/CN=127.0.0.1", names: "IP:127.0.0.1,DNS:localhost")
        try issue("device", by: "ca", subject: "/CN=gate-01")
        try issue("stranger", by: "other-ca", subject: "/CN=gate-01")
        try issue("wrong-host", by: "ca", subject: "/CN=broker.elsewhere", names: "DNS:broker.elsewhere")
    }

    /// Issues a client certificate from the site CA with this common name (a device's
    /// `SITE/DEVICE`, say): its certificate and key files.
    public func issueClient(_ name: String, commonName: String) throws -> (certificate: String, key: String) {
        // openssl's -subj separates names with "/": one inside a name is escaped.
        try issue(name, by: "ca", subject: "/CN=" + commonName.replacingOccurrences(of: "/", with: "\\/"))
        return (directory.file("\(name).pem"), directory.file("\(name).key"))
    }

    private func makeCA(_ name: String, subject: String) throws {
        try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", subject,
            "-keyout", directory.file("\(name).key"), "-out", directory.file("\(name).pem"),
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
    }

    private func issue(_ name: String, by ca: String, subject: String, names: String? = nil) throws {
        try openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", subject,
            "-keyout", directory.file("\(name).key"), "-out", directory.file("\(name).csr"),
        ])
        var extensions = "basicConstraints=CA:FALSE\n"
        if let names { extensions += "subjectAltName=\(names)\n" }
        let extensionFile = directory.write("\(name).ext", extensions)
        try openssl([
            "x509", "-req", "-in", directory.file("\(name).csr"), "-CA", directory.file("\(ca).pem"), "-CAkey", directory.file("\(ca).key"),
            "-CAcreateserial", "-days", "2", "-out", directory.file("\(name).pem"), "-extfile", extensionFile,
        ])
    }

    private func openssl(_ arguments: [String]) throws {
        let result = try Subprocess.run("/usr/bin/openssl", arguments)
        guard result.status == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "openssl \(arguments.first ?? ""): \(result.standardError)"])
        }
    }

    /// The broker's listener lines for TLS; `requireClientCertificate` makes it mutual.
    public func listenerOptions(requireClientCertificate: Bool = true, certificate: String? = nil, key: String? = nil) -> [String] {
        [
            "cafile \(caFile)", "certfile \(certificate ?? brokerCertificate)", "keyfile \(key ?? brokerKey)",
            "require_certificate \(requireClientCertificate)", "use_identity_as_username \(requireClientCertificate)",
        ]
    }
}
