import Kafka
import Testing

@Suite struct KafkaLibraryTests {
    @Test func loadedLibraryIsAtLeast2_3() throws {
        #expect(KafkaLibrary.versionNumber >= 0x0203_0000, "loaded librdkafka \(KafkaLibrary.versionString)")
        #expect(KafkaLibrary.versionString.hasPrefix("\(KafkaLibrary.version.major).\(KafkaLibrary.version.minor)"))
        try KafkaLibrary.requireMinimumVersion(major: 2, minor: 3)
    }

    @Test func newerRequirementIsRefusedWithAClearMessage() {
        #expect {
            try KafkaLibrary.requireMinimumVersion(major: 99, minor: 0)
        } throws: { error in
            guard let error = error as? KafkaError else { return false }
            return error.code == .unsupportedVersion && error.message.contains(KafkaLibrary.versionString)
        }
    }
}
