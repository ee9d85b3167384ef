/// Knowledge about librdkafka property names that callers outside this module need.
public enum KafkaConfigurationKeys {
    /// True for properties whose values are credentials (SASL passwords, JAAS config, key
    /// passwords, OAuth secrets). Their values must never be printed.
    public static func isSensitive(_ key: String) -> Bool {
        RDKafkaSecrets.isSecret(key)
    }
}
