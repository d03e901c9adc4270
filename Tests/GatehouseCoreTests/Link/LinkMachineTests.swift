import GatehouseCore
import Testing

@Suite("The link machine")
struct LinkMachineTests {
    static let fresh = DeviceStatus(bundle: 7, mode: .normal)

    func publishes(_ actions: [LinkMachine.Action]) -> [String] {
        actions.compactMap { action in
            switch action {
            case .publishStatus(let status, let online): "status \(online ? "online" : "offline") \(status.bundle.map(String.init) ?? "none") \(status.mode.kind.rawValue)"
            case .requestSnapshot(let reason, let have): "request \(reason.rawValue) \(have.map(String.init) ?? "none")"
            case .log: nil
            }
        }
    }

    @Test("the first connection without a policy asks for a snapshot, once; a later one only says online")
    func noPolicy() {
        var link = LinkMachine(window: 16, status: DeviceStatus(bundle: nil, mode: .normal))
        #expect(publishes(link.handle(.connected(nextSeq: 1))) == ["status online none normal", "request no_policy none"])
        link.statusPublished(DeviceStatus(bundle: nil, mode: .normal), online: true, messageID: 1)
        _ = link.handle(.disconnected(code: 7))
        #expect(publishes(link.handle(.connected(nextSeq: 1))) == ["status online none normal"])
    }

    @Test("a changed status is republished at the next tick, an unchanged one is not; a refused publish is tried again")
    func status() {
        var link = LinkMachine(window: 16, status: Self.fresh)
        _ = link.handle(.connected(nextSeq: 1))
        #expect(publishes(link.handle(.tick(Self.fresh, nextSeq: nil, at: 0))) == ["status online 7 normal"], "never acknowledged as published: again")
        link.statusPublished(Self.fresh, online: true, messageID: 3)
        #expect(publishes(link.handle(.tick(Self.fresh, nextSeq: nil, at: 0))).isEmpty)
        let lockdown = DeviceStatus(bundle: 8, mode: DeviceMode(.lockdown))
        #expect(publishes(link.handle(.tick(lockdown, nextSeq: nil, at: 0))) == ["status online 8 lockdown"])
    }

    @Test("a stale policy asks for a snapshot once per version, only while connected")
    func stale() {
        var link = LinkMachine(window: 16, status: Self.fresh)
        let stale = DeviceStatus(bundle: 7, mode: .normal, staleBundle: 7)
        #expect(publishes(link.handle(.tick(stale, nextSeq: nil, at: 0))).isEmpty, "not connected")
        let connected = publishes(link.handle(.connected(nextSeq: 1)))
        #expect(connected == ["status online 7 normal", "request policy_stale 7"])
        link.statusPublished(stale.published, online: true, messageID: 1)
        #expect(publishes(link.handle(.tick(stale, nextSeq: nil, at: 0))).isEmpty, "once per version")
        let newer = DeviceStatus(bundle: 9, mode: .normal, staleBundle: 9)
        #expect(publishes(link.handle(.tick(newer, nextSeq: nil, at: 0))) == ["status online 9 normal", "request policy_stale 9"])
    }

    @Test("events acknowledged wait to be marked; the offline status at stop is awaited by its id; nothing is read while stopping")
    func acknowledgementsAndStop() {
        var link = LinkMachine(window: 16, status: Self.fresh)
        _ = link.handle(.connected(nextSeq: 1))
        _ = link.handle(.stored)
        let fetch = try! #require(link.nextFetch())
        #expect(link.accept(fetched: [1, 2], for: fetch) == [1, 2])
        link.sent(seq: 1, messageID: 10)
        link.sent(seq: 2, messageID: 11)
        _ = link.handle(.acknowledged(messageID: 11))
        _ = link.handle(.acknowledged(messageID: 10))
        #expect(link.acknowledgedSeqs == [2, 1])
        link.marked()
        #expect(link.acknowledgedSeqs.isEmpty)
        #expect(publishes(link.handle(.stop(Self.fresh))) == ["status offline 7 normal"])
        link.statusPublished(Self.fresh, online: false, messageID: 12)
        #expect(link.offlineMessageID == 12 && link.nextFetch() == nil)
        _ = link.handle(.acknowledged(messageID: 12))
        #expect(link.offlineMessageID == nil)
        #expect(link.handle(.disconnected(code: 0)).isEmpty, "no warning for the drop we asked for")
    }

    @Test("an outage is loud once, quiet while it lasts")
    func outage() {
        var link = LinkMachine(window: 16, status: Self.fresh)
        let levels = (0..<3).flatMap { _ in link.handle(.connectFailed(message: "refused")) }.compactMap { if case .log(let note) = $0 { note.level } else { nil } }
        #expect(levels == [.warning, .debug, .debug])
    }

    @Test("a CONNECT the broker never answers is a warning after five seconds, once per outage, with the likely cause")
    func unansweredConnect() {
        func warnings(_ actions: [LinkMachine.Action]) -> [AccessNote] {
            actions.compactMap { if case .log(let note) = $0, note.level == .warning { note } else { nil } }
        }
        var link = LinkMachine(window: 16, status: Self.fresh)
        #expect(link.handle(.connectSent(at: 1000)).isEmpty)
        #expect(warnings(link.handle(.tick(Self.fresh, nextSeq: nil, at: 5999))).isEmpty, "not yet five seconds")
        let said = warnings(link.handle(.tick(Self.fresh, nextSeq: nil, at: 6000)))
        #expect(said.map(\.message) == ["the broker took the connection but has not answered CONNECT"])
        #expect(said.first?.metadata["mqtt.hint"]?.contains("protocol = \"3.1.1\"") == true && said.first?.metadata["mqtt.protocol"] == "5")
        #expect(warnings(link.handle(.tick(Self.fresh, nextSeq: nil, at: 7000))).isEmpty, "said once")
        // The client gives up and tries again: the same outage, still quiet.
        _ = link.handle(.disconnected(code: 7))
        _ = link.handle(.connectSent(at: 20_000))
        #expect(warnings(link.handle(.tick(Self.fresh, nextSeq: nil, at: 30_000))).isEmpty)
        // Answered at last, then lost: the next unanswered CONNECT is a new outage.
        _ = link.handle(.connected(nextSeq: 1))
        _ = link.handle(.disconnected(code: 7))
        _ = link.handle(.connectSent(at: 40_000))
        #expect(warnings(link.handle(.tick(Self.fresh, nextSeq: nil, at: 45_000))).count == 1)

        // Answered in time: nothing said. An MQTT 3.1.1 client's hint does not suggest 3.1.1.
        var quick = LinkMachine(window: 16, status: Self.fresh, protocolVersion: .v311)
        _ = quick.handle(.connectSent(at: 0))
        _ = quick.handle(.connected(nextSeq: 1))
        #expect(warnings(quick.handle(.tick(Self.fresh, nextSeq: nil, at: 60_000))).isEmpty)
        var old = LinkMachine(window: 16, status: Self.fresh, protocolVersion: .v311)
        _ = old.handle(.connectSent(at: 0))
        let hint = warnings(old.handle(.tick(Self.fresh, nextSeq: nil, at: 5000))).first?.metadata["mqtt.hint"]
        #expect(hint?.contains("mqtts://") == true && hint?.contains("set protocol") == false)
    }

    @Test("a message the broker refuses stays unpublished: an error once, then offered again every 30 s")
    func refusedPublish() throws {
        func levels(_ actions: [LinkMachine.Action]) -> [AccessNote.Level] {
            actions.compactMap { if case .log(let note) = $0 { note.level } else { nil } }
        }
        var link = LinkMachine(window: 16, status: Self.fresh)
        _ = link.handle(.connected(nextSeq: 1))
        _ = link.handle(.stored)
        let fetch = try #require(link.nextFetch())
        #expect(link.accept(fetched: [1, 2], for: fetch) == [1, 2])
        link.sent(seq: 1, messageID: 10)
        link.sent(seq: 2, messageID: 11)
        let said = link.handle(.refused(messageID: 10, reason: "Not authorized", at: 1000))
        #expect(levels(said) == [.error])
        if case .log(let note)? = said.first { #expect(note.metadata["event.seq"] == "1" && note.metadata["mqtt.hint"]?.contains("docs/fleet.md") == true) }
        #expect(levels(link.handle(.refused(messageID: 11, reason: "Not authorized", at: 1001))) == [.debug], "said once")
        #expect(link.acknowledgedSeqs.isEmpty, "nothing to mark published")
        #expect(link.nextFetch() == nil, "paused")
        _ = link.handle(.tick(Self.fresh, nextSeq: 3, at: 20_000))
        #expect(link.nextFetch() == nil, "not before 30 s")
        _ = link.handle(.tick(Self.fresh, nextSeq: 3, at: 32_000))
        let again = try #require(link.nextFetch(), "offered again")
        #expect(link.accept(fetched: [1, 2], for: again) == [1, 2])
    }
}
