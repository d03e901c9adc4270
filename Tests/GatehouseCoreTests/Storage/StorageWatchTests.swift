import GatehouseCore
import Testing

@Suite("The free-space watch")
struct StorageWatchTests {
    @Test("one alarm per episode; the episode ends a tenth above the threshold, and the next one alarms again")
    func episodes() {
        var watch = StorageWatch(thresholdBytes: 1000)
        #expect(watch.read(freeBytes: 5000) == .unchanged)
        #expect(watch.read(freeBytes: 999) == .becameLow)
        #expect(watch.read(freeBytes: 10) == .unchanged, "still the same episode")
        #expect(watch.read(freeBytes: 1050) == .unchanged, "hovering at the line is no new episode")
        #expect(watch.read(freeBytes: 999) == .unchanged)
        #expect(watch.read(freeBytes: 1100) == .recovered)
        #expect(watch.read(freeBytes: 2000) == .unchanged)
        #expect(watch.read(freeBytes: 500) == .becameLow)
        #expect(watch.isLow)
    }
}
