import ArgumentParser
import Foundation
import Kafka
import Logging
import Operations
import StatusEvents
import StatusRelayCore

/// `statusrelay bench ...`: the measuring tools `make bench` (scripts/bench.sh) drives.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark tools: webhook micro-benchmark, fixed-rate load, bare server, topic prefill.",
        discussion: "`make bench` runs all of them and writes bench-results/BENCHMARKS.md. Build in release mode.",
        subcommands: [Webhook.self, Load.self, BareServerCommand.self, Prefill.self, SinkBenchCommand.self, SinkSQLCommand.self]
    )

    struct Webhook: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "verify + parse + normalize + encode of a typical 9-parameter callback, single-threaded.",
            discussion: "Also measures the event codec alone: StatusEventCodec.decode (the consumer's per-record cost) and encode."
        )

        @Option(help: "Callbacks per round (the best of 5 rounds is reported).")
        var iterations = 200_000

        @Option(help: "Events decoded and encoded per round for the codec figures (0 skips them).")
        var codecIterations = 200_000

        @Option(help: "Requests per round for each worst-case (hostile) request; 0 skips them.")
        var hostileIterations = 200

        @Flag(help: "Print one JSON object instead of text.")
        var json = false

        func run() throws {
            let report = WebhookBenchmark.run(iterations: iterations)
            let codec = codecIterations > 0 ? EventCodecBenchmark.run(iterations: codecIterations) : nil
            let hostile = hostileIterations > 0 ? HostileRequestBenchmark.run(iterations: hostileIterations) : nil
            if json {
                var fields = #""iterations":\#(report.iterations),"ns_per_callback":\#(report.nanosecondsPerCallback),"cpu_ns_per_callback":\#(report.cpuNanosecondsPerCallback),"callbacks_per_second":\#(Int(report.callbacksPerSecond)),"event_bytes":\#(report.eventBytes)"#
                if let codec {
                    fields += #","codec_iterations":\#(codec.iterations),"decode_ns_per_event":\#(codec.nanosecondsPerDecode),"decode_cpu_ns_per_event":\#(codec.cpuNanosecondsPerDecode),"encode_ns_per_event":\#(codec.nanosecondsPerEncode),"encode_cpu_ns_per_event":\#(codec.cpuNanosecondsPerEncode),"codec_event_bytes":\#(codec.eventBytes)"#
                }
                if let hostile {
                    let rows = hostile.rows.map { row in
                        #"{"name":"\#(row.name)","body_bytes":\#(row.bodyBytes),"cpu_ns_per_request":\#(row.cpuNanosecondsPerRequest),"ratio":\#(row.ratio),"ratio_to_signing":\#(row.ratioToSigning),"macs":\#(row.macs),"ceiling_to_signing":\#(row.ceilingToSigning)}"#
                    }
                    let worst = hostile.rows.max { $0.ratio < $1.ratio }
                    fields += #","hostile_typical_cpu_ns":\#(hostile.typicalCPUNanoseconds),"hostile_signing_cpu_ns":\#(hostile.signingCPUNanoseconds)"#
                    fields += #","hostile_worst_cpu_ns":\#(worst?.cpuNanosecondsPerRequest ?? 0),"hostile_worst_ratio":\#(worst?.ratio ?? 0),"hostile_worst_ratio_to_signing":\#(worst?.ratioToSigning ?? 0)"#
                    fields += #","hostile_worst_macs":\#(worst?.macs ?? 0),"hostile_worst_ceiling_to_signing":\#(worst?.ceilingToSigning ?? 0)"#
                    // Each row against its own ceiling: the largest share must stay ≤ 1.
                    let share = hostile.rows.map { $0.ceilingToSigning > 0 ? $0.ratioToSigning / $0.ceilingToSigning : 0 }.max() ?? 0
                    fields += #","hostile_max_share_of_ceiling":\#(share)"#
                    fields += #","hostile":[\#(rows.joined(separator: ","))]"#
                }
                print("{" + fields + "}")
            } else {
                print(report)
                if let codec { print(codec) }
                if let hostile {
                    print(
                        "worst-case requests (CPU up to the answer) vs a typical callback's whole pipeline (\((hostile.typicalCPUNanoseconds / 10).rounded() / 100) µs) "
                            + "and signing one 64 KiB parameter (\((hostile.signingCPUNanoseconds / 10).rounded() / 100) µs):"
                    )
                    for row in hostile.rows { print("  \(row)") }
                }
            }
        }
    }

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open-loop fixed-rate HTTP load with pre-signed requests (latency from intended send time)."
        )

        @Option(help: "File from scripts/bench/sign_requests.py (<signature>\\t<body> per line).")
        var requests: String

        @Option(help: "Target URL, e.g. http://127.0.0.1:8080/twilio/message-status.")
        var url: String

        @Option(help: "Requests per second.")
        var rate: Double = 5000

        @Option(help: "Seconds of load.")
        var duration: Double = 20

        @Option(help: "Keep-alive connections.")
        var connections = 64

        @Option(help: "Use at most this many distinct requests from the file.")
        var limit = Int.max

        @Flag(help: "Print one JSON object instead of text.")
        var json = false

        func run() async throws {
            guard let components = URLComponents(string: url), let host = components.host,
                components.scheme == "http"
            else { throw ValidationError("--url must be an http:// URL") }
            let port = components.port ?? 80
            let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
            let file = try SignedRequestFile(contentsOf: requests, limit: limit)
            let generator = FixedRateLoadGenerator(
                configuration: .init(
                    host: host, port: port, rate: rate, duration: .milliseconds(Int64(duration * 1000)),
                    connections: connections
                )
            )
            let report = try await generator.run(requests: file.httpRequests(host: host, port: port, path: path))
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(report)
            }
        }
    }

    struct BareServerCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bare-server",
            abstract: "A Hummingbird endpoint that only reads the body and answers 200 (the benchmark ceiling)."
        )

        @Option(help: "Address to bind.")
        var host = "127.0.0.1"

        @Option(help: "Port to bind.")
        var port: Int

        @Option(help: "Route that reads the body.")
        var path = "/twilio/message-status"

        func run() async throws {
            var logger = Logger(label: "statusrelay.bench.bare")
            logger.logLevel = .warning
            try await BareServer.run(host: host, port: port, path: path, logger: logger)
        }
    }

    struct Prefill: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fill a topic with messages x statuses events, shuffled within the window, as the ingress encodes them."
        )

        @Option(help: "Bootstrap servers, comma-separated.")
        var brokers: String

        @Option(help: "Topic (created if missing).")
        var topic: String

        @Option(help: "Partitions when creating the topic.")
        var partitions: Int32 = 4

        @Option(help: "Distinct messages.")
        var messages = 200_000

        @Option(help: "Statuses per message, comma-separated, in lifecycle order.")
        var statuses = "queued,sending,sent,delivered,read"

        @Option(help: "Milliseconds between a message's first and last status (keep below the reorder window).")
        var spreadMs: Int64 = 2000

        @Option(help: "Seed for the data.")
        var seed: UInt64 = 1

        @Option(help: "Batch compression: none, gzip, snappy, lz4 or zstd (default: as the ingress produces).")
        var compression = KafkaSettings.defaultCompression.rawValue

        @Flag(help: "Print one JSON object instead of text.")
        var json = false

        func run() async throws {
            guard let compression = KafkaProducerConfiguration.Compression(rawValue: compression) else {
                throw ValidationError("unknown compression \(compression)")
            }
            var logger = Logger(label: "statusrelay.bench.prefill")
            logger.logLevel = .warning
            var configuration = TopicPrefill.Configuration(
                bootstrapServers: brokers.split(separator: ",").map(String.init), topic: topic
            )
            configuration.partitions = partitions
            configuration.messages = messages
            configuration.statuses = statuses.split(separator: ",").map(String.init)
            configuration.spread = .milliseconds(spreadMs)
            configuration.seed = seed
            configuration.compression = compression
            let total = messages * configuration.statuses.count
            let report = try await TopicPrefill(configuration: configuration, logger: logger).run { sent in
                FileHandle.standardError.write(Data("    prefill: \(sent)/\(total) events\n".utf8))
            }
            if json {
                print(
                    #"{"events":\#(report.events),"seconds":\#(report.seconds),"out_of_order_pairs":\#(report.outOfOrderPairs)}"#
                )
            } else {
                print("prefilled \(report.events) events into \(topic) in \(report.seconds) s (\(report.outOfOrderPairs) out-of-order arrivals)")
            }
        }
    }
}
