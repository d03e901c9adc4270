import GatehouseCore
import Testing

@Suite("Taps from polls")
struct TapDetectorTests {
    let anna: [UInt8] = [0x04, 0xA2, 0xB3, 0xC4]
    let bert: [UInt8] = [0x0A, 0x0B, 0x0C, 0x0D]

    /// Runs polls (UID or nil, at a time in ms) through a detector and returns the taps' times.
    func taps(_ detector: TapDetector, _ polls: [([UInt8]?, Int64)]) -> [Int64] {
        var detector = detector
        return polls.compactMap { uid, time in detector.on(uid, at: time).map { _ in time } }
    }

    @Test("a card held on the reader is one tap, however long it stays")
    func heldIsOneTap() {
        let polls = (0..<200).map { (Optional(anna), Int64($0) * 50) }
        #expect(taps(TapDetector(), polls) == [0])
    }

    @Test("a missed poll at the edge of the field is not a removal; a real one is, and the card counts again")
    func removal() {
        let polls: [([UInt8]?, Int64)] = [
            (anna, 0), (nil, 50), (anna, 100), (nil, 150), (nil, 200), (nil, 250), (nil, 400), (anna, 420), (nil, 450), (nil, 800), (anna, 850),
        ]
        #expect(taps(TapDetector(removalMilliseconds: 300), polls) == [0, 850])
        #expect(taps(TapDetector(removalMilliseconds: 0), [(anna, 0), (nil, 50), (anna, 100)]) == [0, 100])
    }

    @Test("a reader thread that falls behind and polls again late finds the held card: not a new tap")
    func lateThread() {
        #expect(taps(TapDetector(removalMilliseconds: 300), [(anna, 0), (anna, 2000), (anna, 2050)]) == [0])
    }

    @Test("another card is a tap at once")
    func otherCard() {
        #expect(taps(TapDetector(), [(anna, 0), (bert, 50), (bert, 100), (anna, 150)]) == [0, 50, 150])
    }

    @Test("with a repeat interval, a held card counts again that often")
    func repeatInterval() {
        let polls = (0...60).map { (Optional(anna), Int64($0) * 50) }
        #expect(taps(TapDetector(repeatMilliseconds: 1000), polls) == [0, 1000, 2000, 3000])
    }
}

@Suite("Reader health")
struct ReaderHealthTests {
    let broken = ReaderFault(.ioError, "pn532_uart:/dev/ttyUSB0: selecting a card: Input / Output Error")
    let absent = ReaderFault(.openFailed, "pn532_uart:/dev/ttyUSB0: no reader answered")

    @Test("a reader that cannot be opened at start raises one fault, however often it is retried, and recovers once")
    func failsAtStart() {
        var health = ReaderHealth()
        #expect(health.on(.failed(absent), at: 0) == .raise(absent))
        #expect(health.on(.failed(absent), at: 500) == .none)
        #expect(health.on(.failed(absent), at: 1500) == .none)
        #expect(health.on(.opened, at: 4000) == .recovered(downMilliseconds: 4000))
        #expect(health.on(.polled, at: 4050) == .none)
        #expect(health.isUp)
    }

    @Test("one failure cured by reopening stays quiet; two in a row raise the fault")
    func transientAndPersistent() {
        var health = ReaderHealth()
        #expect(health.on(.opened, at: 0) == .none)
        #expect(health.on(.failed(broken), at: 100) == .none)
        #expect(health.on(.opened, at: 120) == .none)
        #expect(health.on(.polled, at: 170) == .none)
        #expect(health.on(.failed(broken), at: 200) == .none)
        #expect(health.on(.failed(absent), at: 220) == .raise(absent))
        #expect(!health.isUp)
        #expect(health.on(.polled, at: 1220) == .recovered(downMilliseconds: 1020))
    }
}
