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

    @Test("stepped an hour back: suspect, deciding with the floor, which moves on with the monotonic clock; trusted again once the clock is past the floor the episode began at")
    func hourBack() {
        var floor = ClockFloor(skewSeconds: 60)
        _ = floor.read(system: time(0), monotonic: 0)
        let back = floor.read(system: time(-3600), monotonic: 1000)
        #expect(back.wall == time(0) && back.systemBelowFloor == time(-3600) && floor.isSuspect)
        let later = floor.read(system: time(-3590), monotonic: 11_000)
        #expect(later.wall == time(10), "ten seconds on the monotonic clock later, the floor moved on ten seconds")
        #expect(later.systemBelowFloor == time(-3590))
        #expect(floor.read(system: time(-20), monotonic: 21_000).systemBelowFloor != nil, "within the skew of the episode's floor but not past it: still suspect")
        let fixed = floor.read(system: time(3600), monotonic: 22_000)
        #expect(fixed.wall == time(3600) && fixed.systemBelowFloor == nil && !floor.isSuspect, "NTP stepped it right: trusted again")
    }

    @Test("a clock that ran an hour ahead and was set right: the episode ends once true time passes the floor it began at, not the floor that ran on")
    func aheadThenCorrected() {
        var floor = ClockFloor(skewSeconds: 60)
        _ = floor.read(system: time(3600), monotonic: 0)  // an hour ahead
        let corrected = floor.read(system: time(1), monotonic: 1000)
        #expect(corrected.systemBelowFloor == time(1) && corrected.wall == time(3600))
        // True time runs at the monotonic clock's rate: the moving floor stays an hour ahead.
        #expect(floor.read(system: time(1800), monotonic: 1_800_000).wall == time(5399))
        let past = floor.read(system: time(3601), monotonic: 3_601_000)
        #expect(past.systemBelowFloor == nil && past.wall == time(3601), "an episode lasts at most the gap it began with")
        #expect(floor.read(system: time(3602), monotonic: 3_602_000).wall == time(3602))
    }

    @Test("an episode kept across a restart: still suspect until the clock passes its floor, even within the skew")
    func restartedEpisode() {
        var floor = ClockFloor(skewSeconds: 60, episode: time(0))
        floor.raise(to: time(30))  // the newest event, dated at the moving floor
        let within = floor.read(system: time(-10), monotonic: 5)
        #expect(within.systemBelowFloor == time(-10) && within.wall == time(30))
        #expect(floor.read(system: time(0), monotonic: 10_005).systemBelowFloor == nil)
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
}
