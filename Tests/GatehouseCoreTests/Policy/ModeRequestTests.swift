import GatehouseCore
import Testing

@Suite("Mode requests with zones")
struct ModeRequestTests {
    let known = ["lab", "plant", "site"]

    @Test("the same mode with zones adds them; a site-wide mode already covers them")
    func adds() {
        #expect(ModeRequest(.evacuation, zones: ["lab"]).outcome(from: .normal, known: known) == .change(DeviceMode(.evacuation, zones: ["lab"])))
        #expect(ModeRequest(.evacuation, zones: ["plant", "lab"]).outcome(from: DeviceMode(.evacuation, zones: ["lab"]), known: known) == .change(DeviceMode(.evacuation, zones: ["lab", "plant"])))
        #expect(ModeRequest(.evacuation, zones: ["lab"]).outcome(from: DeviceMode(.evacuation, zones: ["lab"]), known: known) == .unchanged)
        #expect(ModeRequest(.evacuation, zones: ["lab"]).outcome(from: DeviceMode(.evacuation), known: known) == .unchanged)
    }

    @Test("normal with zones ends the mode there only, and the mode ends with its last zone; a site-wide mode is refused")
    func removes() {
        #expect(ModeRequest(.normal, zones: ["lab"]).outcome(from: DeviceMode(.evacuation, zones: ["lab", "plant"]), known: known) == .change(DeviceMode(.evacuation, zones: ["plant"])))
        #expect(ModeRequest(.normal, zones: ["lab"]).outcome(from: DeviceMode(.lockdown, zones: ["lab"]), known: known) == .change(.normal))
        #expect(ModeRequest(.normal, zones: ["site"]).outcome(from: DeviceMode(.lockdown, zones: ["lab"]), known: known) == .unchanged)
        #expect(ModeRequest(.normal, zones: ["lab"]).outcome(from: .normal, known: known) == .unchanged)
        guard case .refused(let why) = ModeRequest(.normal, zones: ["lab"]).outcome(from: DeviceMode(.evacuation), known: known) else {
            Issue.record("a site-wide evacuation has no zones to end")
            return
        }
        #expect(why.contains("covers every zone"))
    }

    @Test("unknown zones are refused with the known ones, whatever the mode; without zones the mode is the whole site's")
    func unknownAndWhole() {
        #expect(ModeRequest(.evacuation, zones: ["labb"]).outcome(from: .normal, known: known) == .refused("unknown zone labb; the cache's zones: lab, plant, site"))
        #expect(ModeRequest(.evacuation, zones: ["lab"]).outcome(from: .normal, known: []) == .refused("unknown zone lab; the cache's zones: none (no bundle applied)"))
        #expect(ModeRequest(.evacuation).outcome(from: DeviceMode(.lockdown, zones: ["lab"]), known: []) == .change(DeviceMode(.evacuation)))
        #expect(ModeRequest(.evacuation, zones: ["lab"]).outcome(from: DeviceMode(.lockdown, zones: ["plant"]), known: known) == .change(DeviceMode(.evacuation, zones: ["lab"])), "another mode replaces, and says so")
        #expect(ModeRequest(.normal).outcome(from: .normal, known: []) == .unchanged)
    }

    @Test("a lockdown never ends an evacuation; the platform's evacuation is taken as named even for a zone the cache lacks; zones in force count as known")
    func safety() {
        guard case .refused(let why) = ModeRequest(.lockdown, zones: ["lab"]).outcome(from: DeviceMode(.evacuation), known: known) else {
            Issue.record("a zoned lockdown ended a site-wide evacuation")
            return
        }
        #expect(why.contains("end it first with `normal`"))
        if case .change = ModeRequest(.lockdown).outcome(from: DeviceMode(.evacuation, zones: ["plant"]), known: known) { Issue.record("a lockdown ended an evacuation") }
        #expect(ModeRequest(.evacuation, zones: ["lab", "warehouse"]).outcome(from: .normal, known: known, lenient: true) == .change(DeviceMode(.evacuation, zones: ["lab", "warehouse"])))
        #expect(ModeRequest(.evacuation, zones: ["warehouse"]).outcome(from: .normal, known: [], lenient: true) == .change(DeviceMode(.evacuation, zones: ["warehouse"])), "no bundle yet: evacuated anyway")
        if case .change = ModeRequest(.lockdown, zones: ["warehouse"]).outcome(from: .normal, known: known, lenient: true) { Issue.record("lenient is for evacuations only") }
        #expect(ModeRequest(.normal, zones: ["old-wing"]).outcome(from: DeviceMode(.evacuation, zones: ["old-wing", "lab"]), known: known) == .change(DeviceMode(.evacuation, zones: ["lab"])), "a zone a later bundle dropped can still be ended")
    }
}
