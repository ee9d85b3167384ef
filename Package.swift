// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// The executables allocate with jemalloc on Linux: the consumer frees on other threads most of
// what it allocates, which glibc's malloc serves with arena locks and consolidation (about a fifth
// of the consumer's CPU). Build with STATUSRELAY_SYSTEM_MALLOC=1 to keep the C library's malloc.
let executableLinkerSettings: [LinkerSetting] =
    Context.environment["STATUSRELAY_SYSTEM_MALLOC"] == "1"
    ? [] : [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]

let package = Package(
    name: "StatusRelay",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "statusrelay-ingress", targets: ["statusrelay-ingress"]),
        .executable(name: "statusrelay-consumer", targets: ["statusrelay-consumer"]),
        .executable(name: "statusrelay", targets: ["statusrelay"]),
        .library(name: "Kafka", targets: ["Kafka"]),
        .library(name: "StatusEvents", targets: ["StatusEvents"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // librdkafka, found through pkg-config. scripts/bootstrap.sh provides >= 2.3.
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        // Thin Swift layer over librdkafka: no Twilio knowledge, no C types in its API.
        .target(
            name: "Kafka",
            dependencies: [
                "CRdKafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The event domain shared by every executable: model, lifecycle, form parsing,
        // signature verification and normalization. Pure: no I/O.
        .target(
            name: "StatusEvents",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Runtime support shared by the executables: configuration layering, logging, metrics.
        .target(
            name: "StatusRelayCore",
            dependencies: [
                "Kafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Ingress",
            dependencies: [
                "Kafka", "StatusEvents", "StatusRelayCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Consumer",
            dependencies: [
                "Kafka", "StatusEvents", "StatusRelayCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Collections", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Operator tooling behind the `statusrelay` CLI: send, replay, report, bench, reconcile.
        .target(
            name: "Operations",
            dependencies: [
                "Kafka", "StatusEvents", "StatusRelayCore", "Consumer",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "statusrelay-ingress",
            dependencies: [
                "Ingress", "StatusRelayCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: executableLinkerSettings
        ),
        .executableTarget(
            name: "statusrelay-consumer",
            dependencies: [
                "Consumer", "StatusRelayCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: executableLinkerSettings
        ),
        .executableTarget(
            name: "statusrelay",
            dependencies: [
                "Operations", "Consumer", "Kafka", "StatusRelayCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: executableLinkerSettings
        ),

        // Test support: locations of the real broker, PostgreSQL and Python tools that `make test` starts.
        .target(
            name: "TestSupport",
            dependencies: ["Kafka", "StatusEvents"],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KafkaTests",
            dependencies: ["Kafka", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StatusEventsTests",
            dependencies: ["StatusEvents", "TestSupport"],
            resources: [.copy("Vectors")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IngressTests",
            dependencies: [
                "Ingress", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConsumerTests",
            dependencies: ["Consumer", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["Operations", "TestSupport", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
    ]
)
