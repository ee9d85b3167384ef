/// The librdkafka that this process loaded.
public enum KafkaLibrary {
    /// e.g. `"2.8.0"` (`rd_kafka_version_str()`).
    public static var versionString: String { RDKafkaVersion.string }

    /// librdkafka's hex version `0xMMmmrrxx` (`rd_kafka_version()`), e.g. `0x020800ff` for 2.8.0.
    public static var versionNumber: Int { RDKafkaVersion.number }

    /// The major and minor parts of ``versionNumber``.
    public static var version: (major: Int, minor: Int, revision: Int) {
        let number = versionNumber
        return ((number >> 24) & 0xff, (number >> 16) & 0xff, (number >> 8) & 0xff)
    }

    /// Throws ``KafkaError/Code/unsupportedVersion`` when the loaded librdkafka is older than `major.minor`.
    /// Executables call this at start-up so an old system library is refused with a clear message.
    public static func requireMinimumVersion(major: Int = 2, minor: Int = 3) throws(KafkaError) {
        let loaded = version
        guard (loaded.major, loaded.minor) >= (major, minor) else {
            throw KafkaError(
                code: .unsupportedVersion,
                message:
                    "librdkafka \(versionString) is loaded but \(major).\(minor) or later is required; run scripts/bootstrap.sh and build with scripts/swift.sh (rpath to the bootstrapped library)"
            )
        }
    }
}
