import Consumer
import StatusRelayCore
import Testing

/// The allocator settings of the consumer's memory bounds (README, "Consumer memory").
@Suite struct AllocatorPolicySettingsTests {
    @Test func defaultsAreThePolicysOwn() throws {
        var resolver = ConfigurationResolver(layers: .init())
        let allocator = try ConsumerConfiguration(resolving: &resolver).allocator
        #expect(allocator == AllocatorPolicy())
        #expect(allocator.arenaMax == 2)
        #expect(allocator.trimInterval == .seconds(2))
    }

    @Test func flagsAndEnvironmentSetThemAndZeroTurnsTrimmingOff() throws {
        var resolver = ConfigurationResolver(
            layers: .init(flags: ["malloc-arena-max": .scalar("4")], environment: ["STATUSRELAY_MALLOC_TRIM_INTERVAL": "0"])
        )
        let allocator = try ConsumerConfiguration(resolving: &resolver).allocator
        #expect(allocator.arenaMax == 4)
        #expect(allocator.trimInterval == nil)
    }

    @Test func aNegativeArenaCountNamesTheSetting() {
        var resolver = ConfigurationResolver(layers: .init(flags: ["malloc-arena-max": .scalar("-1")]))
        #expect(performing: { _ = try ConsumerConfiguration(resolving: &resolver) }, throws: { error in
            (error as? ConfigurationError)?.setting == "malloc-arena-max"
        })
    }
}
