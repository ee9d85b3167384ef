import Operations
import Testing

/// `--since`/`--until` values at the ends of the range give an error (nil), never an overflow.
@Suite struct ReportTimeSpecTests {
    static let now: Int64 = 1_795_970_444_847

    @Test func ordinaryValues() {
        #expect(ReportTimeSpec.parse("7d", now: Self.now) == Self.now - 7 * 86_400_000)
        #expect(ReportTimeSpec.parse("90m", now: Self.now) == Self.now - 90 * 60_000)
        #expect(ReportTimeSpec.parse("2026-11-29T13:00:00Z", now: Self.now) == 1_795_957_200_000)
    }

    @Test func hugeDurationsAreRejected() {
        for text in ["9223372036854775807d", "106751991167300d", "99999999999999d"] {
            #expect(ReportTimeSpec.parse(text, now: Self.now) == nil, "\(text)")
        }
        #expect(ReportTimeSpec.parse("106751991167d", now: Self.now) != nil)
        #expect(ReportTimeSpec.parse("2562047788015215h", now: Self.now) == nil)
        #expect(ReportTimeSpec.parse("7d", now: .min) == nil)
    }
}
