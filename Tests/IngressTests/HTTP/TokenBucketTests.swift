import Testing

@testable import Ingress

@Suite struct TokenBucketTests {
    @Test func burstThenRefillAtTheRate() {
        let start = ContinuousClock.now
        var bucket = TokenBucket(rate: 10, burst: 3, now: start)
        // Starts full: the burst passes at once, then nothing.
        #expect((0..<4).map { _ in bucket.tryTake(now: start) } == [true, true, true, false])
        #expect(bucket.secondsUntilNextToken == 1)
        // 10/s: one token per 100 ms.
        let refills = [50, 100, 150].map { bucket.tryTake(now: start + .milliseconds($0)) }
        #expect(refills == [false, true, false])
        // Refill is capped at the burst, however long it was idle.
        let later = start + .seconds(60)
        #expect((0..<4).map { _ in bucket.tryTake(now: later) } == [true, true, true, false])
    }

    @Test func slowRatesAskForLongerRetryAfter() {
        let start = ContinuousClock.now
        var bucket = TokenBucket(rate: 0.2, burst: 1, now: start)
        let taken = [bucket.tryTake(now: start), bucket.tryTake(now: start)]
        #expect(taken == [true, false])
        #expect(bucket.secondsUntilNextToken == 5)
        let afterFive = bucket.tryTake(now: start + .seconds(5))
        #expect(afterFive)
    }

    @Test func limiterIsOffByDefaultAndDefaultsBurstToOneSecond() {
        let off = RateLimiter(requestsPerSecond: 0, burst: 0)
        #expect((0..<10_000).allSatisfy { _ in off.acquire() == nil })
        // A rate far below the test's speed: exactly the default burst (ceil(2.5) = 3) passes.
        let limited = RateLimiter(requestsPerSecond: 2.5, burst: 0)
        let answers = (0..<5).map { _ in limited.acquire() }
        #expect(answers.prefix(3).allSatisfy { $0 == nil })
        #expect(answers.dropFirst(3).allSatisfy { $0 == 1 })
    }
}
