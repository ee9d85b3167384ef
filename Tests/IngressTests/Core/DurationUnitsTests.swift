import StatusRelayCore
import Testing

/// The one Duration-to-integer rule: rounds toward zero and clamps, never traps (a setting may be
/// any duration the parser accepts).
@Suite("Duration to integer units")
struct DurationUnitsTests {
    @Test func convertsRoundingTowardZero() {
        #expect(Duration.milliseconds(1500).milliseconds == 1500)
        #expect(Duration.nanoseconds(1_999_999).milliseconds == 1)
        #expect(Duration.seconds(-2).nanoseconds == -2_000_000_000)
        #expect(Duration.milliseconds(-1500).milliseconds == -1500)
        #expect(Duration.milliseconds(250).seconds == 0.25)
    }

    @Test func saturatesInsteadOfOverflowing() {
        let huge = Duration.seconds(Int64.max)
        #expect(huge.milliseconds == .max)
        #expect(huge.nanoseconds == .max)
        #expect((Duration.zero - huge).nanoseconds == .min)
        // The whole seconds fit in nanoseconds, the fraction added to them does not.
        #expect((Duration.seconds(9_223_372_036) + .milliseconds(900)).nanoseconds == .max)
        #expect((Duration.seconds(-9_223_372_036) - .milliseconds(900)).nanoseconds == .min)
        #expect(DurationFormat.format(huge).hasSuffix("ns"))
    }
}
