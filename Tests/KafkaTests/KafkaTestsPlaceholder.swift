import Testing
@Test func KafkaTestsPlaceholder() { #expect(Bool(true)) }
