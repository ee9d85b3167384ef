import Operations
import Testing

/// The report charts' y-axis: round ticks whose labels say exactly what the gridline means.
@Suite("Chart axis ticks")
struct AxisTicksTests {
    @Test("a maximum of 10 gives 2.5 steps labelled 2.5, 5, 7.5, not 2, 5, 7")
    func fractionalSteps() {
        let ticks = AxisTicks(maximum: 10)
        #expect(ticks.values == [0, 2.5, 5, 7.5, 10])
        #expect(ticks.labels == ["0", "2.5", "5", "7.5", "10"])
    }

    @Test("small counts get whole-number ticks, each label once (not 0, 0, 1, 1, 2)")
    func smallCounts() {
        #expect(AxisTicks(maximum: 2).labels == ["0", "1", "2"])
        #expect(AxisTicks(maximum: 1).labels == ["0", "1"])
        #expect(AxisTicks(maximum: 0).labels == ["0", "1"])
        #expect(AxisTicks(maximum: 7).labels == ["0", "2", "4", "6", "8"])
        for maximum in 0...200 {
            let labels = AxisTicks(maximum: maximum).labels
            #expect(Set(labels).count == labels.count, "repeated label for maximum \(maximum): \(labels)")
        }
    }

    @Test("the top covers the maximum with at most one extra step")
    func topCoversMaximum() {
        for maximum in [1, 3, 9, 11, 99, 101, 1234, 25_000, 999_999] {
            let ticks = AxisTicks(maximum: maximum)
            #expect(ticks.top >= Double(maximum) && ticks.top - ticks.step < Double(maximum), "\(maximum): \(ticks.values)")
            #expect((3...6).contains(ticks.values.count - 1) || maximum < 4, "\(maximum): \(ticks.values)")
        }
    }

    @Test("labels: exact decimals, grouped thousands")
    func labels() {
        #expect(AxisTicks.label(12.5) == "12.5")
        #expect(AxisTicks.label(12_500) == "12,500")
        #expect(AxisTicks.label(1_000_000) == "1,000,000")
        #expect(AxisTicks.label(0.25) == "0.25")
        #expect(AxisTicks(maximum: 100_000).labels == ["0", "25,000", "50,000", "75,000", "100,000"])
    }
}
