import GatehouseCore
import Testing

@Suite("The clock floor (contract 7.4)")
struct ClockFloorTests {
    static let noon = Timestamp(rfc3339: "2026-12-02T12:00:00Z")!

    func time(_ seconds: Int64) -> Timestamp { Self.noon.adding(seconds: seconds) }

    @Test("a clock that moves forward is taken as it reads, and is never suspect")
    func trusted() {
        var floor = ClockFloor(skewSeconds: 60)
        for second in 0..<10 {
            let moment = floor.read(system: time(Int64(second)), monotonic: Int64(second) * 1000)
            #expect(moment.wall == time(Int64(second)) && moment.systemBelowFloor == nil)
        }
        #expect(!floor.isSuspect)
    }

    @Test("stepped back within the skew: time stands at the floor, never going back, until the clock catches up")
    func smallStep() {
        var floor = ClockFloor(skewSeconds: 60)
        _ = floor.read(system: time(100), monotonic: 100_000)
        let stepped = floor.read(system: time(70), monotonic: 101_000)
        #expect(stepped.wall == time(100) && stepped.systemBelowFloor == nil, "30 s back: within the skew, not suspect")
        #expect(floor.read(system: time(99), monotonic: 130_000).wall == time(100))
        #expect(floor.read(system: time(101), monotonic: 132_000).wall == time(101), "caught up")
    }

    @Test("stepped an hour back: suspect, deciding with the floor, which moves on with the monotonic clock; trusted again once the clock is past it")
    func hourBack() {
        var floor = ClockFloor(skewSeconds: 60)
        _ = floor.read(system: time(0), monotonic: 0)
        let back = floor.read(system: time(-3600), monotonic: 1000)
        #expect(back.wall == time(0) && back.systemBelowFloor == time(-3600) && floor.isSuspect)
        let later = floor.read(system: time(-3590), monotonic: 11_000)
        #expect(later.wall == time(10), "ten seconds on the monotonic clock later, the floor moved on ten seconds")
        #expect(later.systemBelowFloor == time(-3590))
        #expect(floor.read(system: time(-20), monotonic: 21_000).systemBelowFloor != nil, "within the skew but not past the floor: still suspect")
        let fixed = floor.read(system: time(3600), monotonic: 22_000)
        #expect(fixed.wall == time(3600) && fixed.systemBelowFloor == nil && !floor.isSuspect, "NTP stepped it right: trusted again")
    }

    @Test("a box that boots with its clock in 2020: the applied bundle's iat and the newest event are the floor")
    func bootsInThePast() {
        var floor = ClockFloor(skewSeconds: 60)
        floor.raise(to: time(-600))  // the newest event
        floor.raise(to: time(-900))  // an older bundle iat changes nothing
        let boot = floor.read(system: Timestamp(rfc3339: "2020-01-01T00:00:00Z")!, monotonic: 5)
        #expect(boot.wall == time(-600) && boot.systemBelowFloor == Timestamp(rfc3339: "2020-01-01T00:00:00Z"))
        #expect(floor.floor(at: 60_005) == time(-540))
    }

    @Test("a clock that NTP slews a little slower than the monotonic clock for a day is never overtaken by its own floor")
    func slewing() {
        var floor = ClockFloor(skewSeconds: 60)
        var suspect = 0
        for second in Int64(0)..<86_400 {
            // 500 ppm slow: the most NTP slews.
            let moment = floor.read(system: Self.noon.adding(milliseconds: second * 1000 - second / 2), monotonic: second * 1000)
            if moment.systemBelowFloor != nil { suspect += 1 }
        }
        #expect(suspect == 0)
    }
}
