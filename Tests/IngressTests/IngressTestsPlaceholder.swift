import Testing
@Test func IngressTestsPlaceholder() { #expect(Bool(true)) }
