// Placeholder; replaced as the module is built out.
enum KafkaModulePlaceholder {}
