/// The MQTT topics of one device (protocol section 4), under `gatehouse/v1/{site}/`.
public struct DeviceTopics: Sendable, Equatable {
    /// What a message the device subscribed to is.
    public enum Inbound: Sendable, Equatable {
        /// A bundle, on the site's or the device's own topic.
        case bundle(siteWide: Bool)
        /// A command, named by the topic's last level.
        case command(name: String, siteWide: Bool)
        /// Another device's emergency event (contract 7.5: its musters count here too).
        case siteEmergency(device: String)
    }

    public let site: String
    public let device: String

    public init(site: String, device: String) {
        precondition(device != "all", "the device id \"all\" is reserved for the whole site")
        self.site = site
        self.device = device
    }

    /// `gatehouse/v1/{site}/{device}/`.
    public var root: String { "gatehouse/v1/\(site)/\(device)/" }
    /// `gatehouse/v1/{site}/all/`.
    public var siteRoot: String { "gatehouse/v1/\(site)/all/" }

    /// The retained online/offline status.
    public var status: String { root + "status" }
    /// Acknowledgements of bundles and commands.
    public var ack: String { root + "ack" }
    /// Snapshot requests.
    public var request: String { root + "request" }

    /// Where an event of `type` is published: `…/events/{family}`.
    public func events(_ type: EventType) -> String { events(family: type.family) }

    /// `…/events/{family}`.
    public func events(family: String) -> String { root + "events/" + family }

    /// The filters the device subscribes to: the site's and its own bundle and command topics,
    /// and every device's emergency events (contract 7.5).
    public var subscriptions: [String] {
        [siteRoot + "bundle", root + "bundle", siteRoot + "cmd/+", root + "cmd/+", siteEmergency]
    }

    /// `gatehouse/v1/{site}/+/events/emergency`.
    public var siteEmergency: String { "gatehouse/v1/\(site)/+/events/emergency" }

    /// Classifies a topic the broker delivered; nil for anything else.
    public func classify(_ topic: String) -> Inbound? {
        let site = "gatehouse/v1/\(self.site)/", suffix = "/events/emergency"
        if topic.hasPrefix(site), topic.hasSuffix(suffix), topic.count > site.count + suffix.count {
            let device = String(topic.dropFirst(site.count).dropLast(suffix.count))
            // Its own events come back too: already counted.
            guard Identifier.isValid(device), device != self.device, device != "all" else { return nil }
            return .siteEmergency(device: device)
        }
        for (prefix, siteWide) in [(siteRoot, true), (root, false)] where topic.hasPrefix(prefix) {
            let rest = topic.dropFirst(prefix.count)
            if rest == "bundle" { return .bundle(siteWide: siteWide) }
            if rest.hasPrefix("cmd/") {
                let name = rest.dropFirst(4)
                return name.isEmpty || name.contains("/") ? nil : .command(name: String(name), siteWide: siteWide)
            }
        }
        return nil
    }
}
