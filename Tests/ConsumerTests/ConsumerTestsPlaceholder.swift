import Testing
@Test func ConsumerTestsPlaceholder() { #expect(Bool(true)) }
