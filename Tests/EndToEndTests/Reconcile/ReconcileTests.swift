import AsyncHTTPClient
import Foundation
import NIOCore
import StatusEvents
import Testing
import TestSupport

/// `statusrelay reconcile` end to end: the real binaries, the test broker, the consumer writing
/// SQLite or PostgreSQL, and the Twilio API stand-in.
@Suite("Reconciliation", .serialized)
struct ReconcileTests {
    typealias E2E = ReconcileE2E

    /// Lost final callbacks are recovered (history in order, the event flagged `reconciliation`),
    /// `--discover` finds a message that never had a callback, a 404 is counted, a message Twilio
    /// confirms as `sent` stays (no history row; the sink records the confirmation, and the report
    /// shows it apart from the stuck messages not yet reconciled, and counts the recovered
    /// statuses); a second run publishes nothing; no secret in any output.
    @Test("recovers lost statuses", arguments: ReconcileE2E.Backend.allCases)
    func recoversLostStatuses(backend: ReconcileE2E.Backend) async throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("reconcile")
        let standIn = try await TwilioStandIn.start(directory: directory)
        defer { standIn.process.kill() }
        let topic = try await TestKafka.makeTopic("reconcile", partitions: 3)
        let sink = try E2E.sinkURL(backend, directory: directory)
        let consumer = try ConsumerE2E.launchConsumer(
            topic: topic, group: TestEnvironment.uniqueName("group"), sinks: [sink], directory: directory, window: "500ms"
        )
        defer { consumer.kill() }

        let now = E2E.now()
        let old = now - 40 * 60_000
        let lost = E2E.sid("a", 1)  // sink: queued, sent; Twilio: delivered
        let undelivered = E2E.sid("a", 2)  // sink: queued, sent; Twilio: undelivered 30003
        let stillSent = E2E.sid("a", 3)  // sink: queued, sent; Twilio: sent
        let gone = E2E.sid("a", 4)  // sink: sent; Twilio: 404
        let fresh = E2E.sid("a", 5)  // sink: sent 1 minute ago: not stuck yet
        let neverCalled = E2E.sid("a", 6)  // Twilio only: delivered
        var events: [StatusEvent] = []
        for sid in [lost, undelivered, stillSent] {
            events.append(try E2E.callback(sid: sid, status: "queued", at: old))
            events.append(try E2E.callback(sid: sid, status: "sent", at: old + 1000))
        }
        events.append(try E2E.callback(sid: gone, status: "sent", at: old))
        events.append(try E2E.callback(sid: fresh, status: "sent", at: now - 60_000))
        try await ConsumerE2E.waitUntilAssigned(consumer)
        try await E2E.produce(events, topic: topic)
        try await eventually(timeout: .seconds(60), "callbacks in the sink") {
            (try? await E2E.read(sink).history.values.reduce(0) { $0 + $1.count }) == events.count
        }

        let sent = TwilioStandIn.rfc2822(old)
        let updated = TwilioStandIn.rfc2822(now - 10 * 60_000)
        try await standIn.put([
            ["sid": lost, "status": "delivered", "date_sent": sent, "date_created": sent, "date_updated": updated],
            ["sid": undelivered, "status": "undelivered", "error_code": 30003, "error_message": "Unreachable destination handset",
             "date_sent": sent, "date_created": sent, "date_updated": updated],
            ["sid": stillSent, "status": "sent", "date_sent": sent, "date_created": sent, "date_updated": sent],
            ["sid": fresh, "status": "delivered", "date_sent": sent, "date_created": sent, "date_updated": updated],
            ["sid": neverCalled, "status": "delivered", "date_sent": sent, "date_created": sent, "date_updated": updated],
            // Inbound: listed by Twilio, never reconciled.
            ["sid": E2E.sid("b", 1), "status": "received", "direction": "inbound", "date_sent": sent, "date_created": sent, "date_updated": sent],
        ])
        let environment = ["TWILIO_ACCOUNT_SID": TwilioStandIn.account, "TWILIO_AUTH_TOKEN": standIn.authToken]
        let arguments = [
            "--sink", sink, "--brokers", try TestEnvironment.brokers, "--topic", topic, "--api-base-url", standIn.baseURL,
            "--discover", "--since", "2h", "--page-size", "2", "--json", "--log-level", "debug",
        ]
        // A dry run: the confirmation is unchanged, never a change, and nothing is published.
        let dry = try await E2E.reconcile(arguments + ["--dry-run"], environment: environment, directory: directory)
        #expect(dry.status == .exited(0), "\(dry.output.suffix(3000))")
        let drySummary = try E2E.summary(dry.output)
        #expect(E2E.transitions(drySummary) == ["sent→delivered": 2, "sent→undelivered": 1, "none→delivered": 1], "\(drySummary)")
        #expect(drySummary["unchanged"] as? Int == 1)
        #expect(drySummary["confirmed"] as? Int == 1)
        #expect(drySummary["published"] as? Int == 0)

        let first = try await E2E.reconcile(arguments, environment: environment, directory: directory)
        #expect(first.status == .exited(0), "\(first.output.suffix(3000))")
        let summary = try E2E.summary(first.output)
        // `fresh` is not stuck yet, but --discover lists it: sent → delivered too.
        #expect(E2E.transitions(summary) == ["sent→delivered": 2, "sent→undelivered": 1, "none→delivered": 1], "\(summary)")
        #expect(summary["unchanged"] as? Int == 1)
        #expect(summary["confirmed"] as? Int == 1)
        #expect(summary["notFound"] as? Int == 1)
        #expect(summary["failed"] as? Int == 0)
        // Four changes and the confirmation of `stillSent`.
        #expect(summary["published"] as? Int == 5)
        #expect(summary["stuck"] as? Int == 4)
        #expect(summary["discovered"] as? Int == 5)

        try await eventually(timeout: .seconds(60), "reconciled statuses in the sink") {
            let current = try await E2E.read(sink).current
            let reconciled = try await E2E.reconciled(sink)
            return current[lost] == "delivered" && current[undelivered] == "undelivered" && current[neverCalled] == "delivered"
                && reconciled[stillSent] == "sent"
        }
        let (history, current) = try await E2E.read(sink)
        #expect(history[lost]?.map(\.status) == ["queued", "sent", "delivered"])
        #expect(history[lost]?.map(\.sequence) == [1, 2, 3])
        #expect(history[lost]?.map(\.source) == ["status-callback", "status-callback", "reconciliation"])
        #expect(history[lost]?.contains(where: \.late) == false)
        #expect(history[undelivered]?.map(\.status) == ["queued", "sent", "undelivered"])
        #expect(history[neverCalled]?.map(\.source) == ["reconciliation"])
        #expect(current[stillSent] == "sent")
        // The confirmation is a cross-source duplicate: no history row.
        #expect(history[stillSent]?.map(\.status) == ["queued", "sent"])
        #expect(try await E2E.reconciled(sink) == [
            stillSent: "sent", lost: "delivered", undelivered: "undelivered", neverCalled: "delivered", fresh: "delivered",
        ])

        // The report: `gone` (404) is stuck and not yet reconciled, `stillSent` confirmed by Twilio;
        // four statuses recovered (text and HTML).
        let html = (directory as NSString).appendingPathComponent("report.html")
        let report = try await E2E.statusrelay(
            ["report", "--sink", sink, "--since", "2h", "--stuck-after", "15m", "--html", html], directory: directory
        )
        #expect(report.status == .exited(0), "\(report.output.suffix(3000))")
        #expect(report.output.contains("not yet reconciled: 1 "), "\(report.output)")
        #expect(report.output.contains("Confirmed by Twilio as still at their status (for sent: no receipt from the carrier): 1 (sent 1)"))
        #expect(report.output.contains("Statuses recovered by reconciliation in the window: 4 (delivered 3, undelivered 1)"))
        #expect(report.output.contains(gone))
        #expect(!report.output.contains(stillSent), "a confirmed message is not listed as waiting for reconciliation")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("<div class=\"card\"><b>1</b><span>Confirmed by Twilio, still not final</span></div>"), "\(page.prefix(3000))")
        #expect(page.contains("<div class=\"card\"><b>4</b><span>Recovered by reconciliation</span></div>"))
        #expect(page.contains("<tr><td>delivered</td><td class=\"n\">3</td></tr>"))
        #expect(current[gone] == "sent")
        #expect(history[E2E.sid("b", 1)] == nil)
        #expect(current[fresh] == "delivered")
        let rowsAfterFirst = history.values.reduce(0) { $0 + $1.count }

        // A second run finds everything reflected and publishes nothing.
        let second = try await E2E.reconcile(arguments, environment: environment, directory: directory)
        #expect(second.status == .exited(0), "\(second.output.suffix(3000))")
        let again = try E2E.summary(second.output)
        #expect(again["changed"] as? Int == 0, "\(again)")
        #expect(again["published"] as? Int == 0)
        #expect(again["confirmed"] as? Int == 0, "the sink records the confirmation: not published again")
        try await Task.sleep(for: .seconds(2))
        #expect(try await E2E.read(sink).history.values.reduce(0) { $0 + $1.count } == rowsAfterFirst)

        let state = try await standIn.state()
        #expect(state.contract_violations.isEmpty, "\(state.contract_violations)")
        #expect(state.usernames == [TwilioStandIn.account])
        // Paged with PageSize 2 over 6 listed messages: 3 list requests per run (the dry run's too).
        #expect(state.requests["list"] == 9)
        for output in [first.output, second.output, consumer.output()] {
            #expect(!output.contains(standIn.authToken), "the auth token leaked")
        }
        await consumer.stop()
    }

    /// 429 storms (with Retry-After), 500s and slow answers past the request timeout: every stuck
    /// message still ends with Twilio's status, once; nothing is lost or duplicated.
    @Test("survives 429 storms, 500s and timeouts")
    func survivesFaults() async throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("reconcile-faults")
        let standIn = try await TwilioStandIn.start(directory: directory)
        defer { standIn.process.kill() }
        let topic = try await TestKafka.makeTopic("reconcile-faults", partitions: 3)
        let sink = try E2E.sinkURL(.sqlite, directory: directory)
        let consumer = try ConsumerE2E.launchConsumer(
            topic: topic, group: TestEnvironment.uniqueName("group"), sinks: [sink], directory: directory, window: "500ms"
        )
        defer { consumer.kill() }
        let count = 60
        let old = E2E.now() - 30 * 60_000
        let sids = (0..<count).map { E2E.sid("c", $0) }
        try await ConsumerE2E.waitUntilAssigned(consumer)
        try await E2E.produce(try sids.map { try E2E.callback(sid: $0, status: "sent", at: old) }, topic: topic)
        try await eventually(timeout: .seconds(60), "callbacks in the sink") {
            (try? await E2E.read(sink).current.count) == count
        }
        let updated = TwilioStandIn.rfc2822(old + 60_000)
        try await standIn.put(sids.map { ["sid": $0, "status": "delivered", "date_updated": updated] })
        try await standIn.faults([
            // A storm: the first 40 requests are throttled, then one in five.
            ["status": 429, "count": 40, "retry_after": "1"],
            ["status": 429, "probability": 0.2, "retry_after": "1"],
            ["status": 503, "probability": 0.05],
            ["status": 500, "probability": 0.15],
            ["status": "slow", "probability": 0.05, "delay_ms": 2500],
            ["status": "invalid_json", "probability": 0.05],
        ])
        let environment = ["TWILIO_API_KEY": TwilioStandIn.apiKey, "TWILIO_API_SECRET": standIn.apiSecret, "TWILIO_ACCOUNT_SID": TwilioStandIn.account]
        let run = try await E2E.reconcile(
            [
                "--sink", sink, "--brokers", try TestEnvironment.brokers, "--topic", topic, "--api-base-url", standIn.baseURL,
                "--request-timeout", "1s", "--max-attempts", "8", "--concurrency", "8", "--json",
            ],
            environment: environment, directory: directory, timeout: .seconds(240)
        )
        #expect(run.status == .exited(0), "\(run.output.suffix(3000))")
        let summary = try E2E.summary(run.output)
        #expect(E2E.transitions(summary) == ["sent→delivered": count], "\(summary)")
        #expect(summary["failed"] as? Int == 0)
        let twilio = summary["twilio"] as? [String: Any]
        #expect((twilio?["throttled"] as? Int ?? 0) >= 40)
        try await eventually(timeout: .seconds(60), "all delivered") {
            try await E2E.read(sink).current.values.allSatisfy { $0 == "delivered" }
        }
        let (history, _) = try await E2E.read(sink)
        for sid in sids {
            #expect(history[sid]?.map(\.status) == ["sent", "delivered"], "\(sid): \(history[sid] ?? [])")
        }
        let state = try await standIn.state()
        #expect(state.contract_violations.isEmpty)
        #expect(state.max_in_flight <= 8)
        #expect(state.usernames == [TwilioStandIn.apiKey])
        #expect(!run.output.contains(standIn.apiSecret))
        await consumer.stop()
    }

    /// 401: the run stops at once with a clear error naming the variables, without the secret.
    @Test("401 stops the run with a clear error")
    func unauthorizedStops() async throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("reconcile-401")
        let standIn = try await TwilioStandIn.start(directory: directory)
        defer { standIn.process.kill() }
        let sink = try E2E.sinkURL(.sqlite, directory: directory)
        let topic = try await TestKafka.makeTopic("reconcile-401", partitions: 1)
        let old = E2E.now() - 30 * 60_000
        let sids = (0..<20).map { E2E.sid("d", $0) }
        // The sink, written by the consumer binary.
        let consumer = try ConsumerE2E.launchConsumer(
            topic: topic, group: TestEnvironment.uniqueName("group"), sinks: [sink], directory: directory, window: "200ms"
        )
        defer { consumer.kill() }
        try await ConsumerE2E.waitUntilAssigned(consumer)
        try await E2E.produce(try sids.map { try E2E.callback(sid: $0, status: "sent", at: old) }, topic: topic)
        try await eventually(timeout: .seconds(60), "callbacks in the sink") { (try? await E2E.read(sink).current.count) == sids.count }
        await consumer.stop()
        try await standIn.put(sids.map { ["sid": $0, "status": "delivered"] })
        let wrong = "wrong-\(UUID().uuidString)"
        let run = try await E2E.reconcile(
            ["--sink", sink, "--brokers", try TestEnvironment.brokers, "--topic", topic, "--api-base-url", standIn.baseURL, "--concurrency", "2"],
            environment: ["TWILIO_ACCOUNT_SID": TwilioStandIn.account, "TWILIO_AUTH_TOKEN": wrong], directory: directory
        )
        #expect(run.status == .exited(1), "\(run.output.suffix(2000))")
        #expect(run.output.contains("unauthorized"), "\(run.output.suffix(2000))")
        #expect(run.output.contains("TWILIO_AUTH_TOKEN"))
        #expect(!run.output.contains(wrong))
        let state = try await standIn.state()
        // Stopped at once: the requests already in flight, not one per message.
        #expect((state.requests["fetch"] ?? 0) <= 2, "\(state.requests)")
    }

    /// `--every`: passes repeat, `/metrics` has the `statusrelay_reconcile_*` names (and no secret),
    /// `/readyz` turns 503 while Twilio refuses the credentials.
    @Test("--every serves /healthz, /readyz and /metrics")
    func everyRunsAsAService() async throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("reconcile-every")
        let standIn = try await TwilioStandIn.start(directory: directory)
        defer { standIn.process.kill() }
        let topic = try await TestKafka.makeTopic("reconcile-every", partitions: 1)
        let sid = E2E.sid("e", 1)
        try await standIn.put([["sid": sid, "status": "delivered"]])
        let port = try freePort()
        let process = try ChildProcess(
            try ConsumerE2E.binary("statusrelay"),
            arguments: [
                "reconcile", "--discover", "--since", "1h", "--brokers", try TestEnvironment.brokers, "--topic", topic,
                "--api-base-url", standIn.baseURL, "--every", "1s", "--admin-listen", "127.0.0.1:\(port)",
            ],
            environment: ["TWILIO_ACCOUNT_SID": TwilioStandIn.account, "TWILIO_AUTH_TOKEN": standIn.authToken],
            outputPath: (directory as NSString).appendingPathComponent("every.log")
        )
        defer { process.kill() }
        func get(_ path: String) async throws -> (Int, String) {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), String(buffer: body))
        }
        try await eventually(timeout: .seconds(30), "two passes") {
            if let status = process.exitStatus { throw TestEnvironmentError("exited \(status): \(process.output().suffix(2000))") }
            guard isListening(port: port), let (_, metrics) = try? await get("/metrics") else { return false }
            return metrics.contains(#"statusrelay_reconcile_runs_total{outcome="ok"} 2"#) || metrics.contains(#"statusrelay_reconcile_runs_total{outcome="ok"} 3"#)
        }
        #expect(try await get("/healthz").0 == 200)
        #expect(try await get("/readyz").0 == 200)
        let (_, metrics) = try await get("/metrics")
        for name in [
            "statusrelay_reconcile_messages_total", "statusrelay_reconcile_published_events_total",
            "statusrelay_reconcile_twilio_requests_total", "statusrelay_reconcile_last_success_timestamp_seconds",
            "statusrelay_reconcile_last_run_duration_seconds",
        ] {
            #expect(metrics.contains(name), "\(name) missing")
        }
        // No consumer and no sink here: every pass publishes the message again, with the same id.
        #expect(metrics.contains(#"statusrelay_reconcile_messages_total{result="changed"}"#))
        #expect(!metrics.contains(standIn.authToken))

        // Twilio starts refusing the credentials: the pass stops, /readyz says why, the service goes on.
        try await standIn.faults([["status": 401]])
        try await eventually(timeout: .seconds(30), "not ready") { try await get("/readyz").0 == 503 }
        let (_, readiness) = try await get("/readyz")
        #expect(readiness.contains("unauthorized"), "\(readiness)")
        #expect(try await get("/healthz").0 == 200)
        let (_, after) = try await get("/metrics")
        #expect(after.contains(#"statusrelay_reconcile_runs_total{outcome="failed"}"#))
        #expect(after.contains("statusrelay_reconcile_unauthorized_total"))
        // A refused pass lasts milliseconds: its duration keeps the fraction of a second.
        let duration = after.split(separator: "\n")
            .first { $0.hasPrefix("statusrelay_reconcile_last_run_duration_seconds ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
        #expect(duration.map { $0 > 0 && $0 < 30 } == true, "last_run_duration_seconds \(duration.map { "\($0)" } ?? "missing")")
        process.terminate()
        #expect(try await process.waitForExit(timeout: .seconds(20)) == .exited(0), "\(process.output().suffix(2000))")
        #expect(!process.output().contains(standIn.authToken))
    }

    /// Subaccounts are read with the parent's credentials (an API key here); `--dry-run` asks
    /// Twilio and prints what would change, with a sample, and publishes nothing (no broker given).
    @Test("subaccounts and --dry-run")
    func subaccountsAndDryRun() async throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("reconcile-dry")
        let standIn = try await TwilioStandIn.start(directory: directory)
        defer { standIn.process.kill() }
        let sent = TwilioStandIn.rfc2822(E2E.now() - 10 * 60_000)
        try await standIn.put([
            ["sid": E2E.sid("f", 1), "status": "delivered", "date_sent": sent],
            ["sid": E2E.sid("f", 2), "status": "failed", "error_code": 30007, "date_sent": sent, "account_sid": TwilioStandIn.subaccount],
            ["sid": E2E.sid("f", 3), "status": "undelivered", "date_sent": sent, "account_sid": TwilioStandIn.subaccount],
        ])
        let environment = ["TWILIO_API_KEY": TwilioStandIn.apiKey, "TWILIO_API_SECRET": standIn.apiSecret]
        let base = ["--api-base-url", standIn.baseURL, "--discover", "--since", "1h", "--dry-run", "--brokers", "127.0.0.1:1"]

        // An API key alone does not say which account to read.
        let missing = try await E2E.reconcile(base, environment: environment, directory: directory)
        #expect(missing.status == .exited(2), "\(missing.output)")
        #expect(missing.output.contains("--account"), "\(missing.output)")

        let run = try await E2E.reconcile(base + ["--account", TwilioStandIn.subaccount], environment: environment, directory: directory)
        #expect(run.status == .exited(0), "\(run.output.suffix(2000))")
        #expect(run.output.contains("dry run: nothing published"), "\(run.output)")
        #expect(run.output.contains("none → failed: 1"))
        #expect(run.output.contains("none → undelivered: 1"))
        #expect(run.output.contains("Sample of what would change:"))
        #expect(run.output.contains(E2E.sid("f", 2)))
        #expect(!run.output.contains(E2E.sid("f", 1)), "the parent's message is not in the subaccount")
        #expect(!run.output.contains("published "), "a dry run publishes nothing")
        let state = try await standIn.state()
        #expect(state.usernames == [TwilioStandIn.apiKey])
        #expect(!run.output.contains(standIn.apiSecret))

        // A next_page_uri that points back at its own page is refused, not followed forever.
        try await standIn.faults([["status": "page_loop", "count": 5]])
        let loop = try await E2E.reconcile(base + ["--account", TwilioStandIn.subaccount], environment: environment, directory: directory)
        #expect(loop.status == .exited(1), "\(loop.output.suffix(2000))")
        #expect(loop.output.contains("next_page_uri repeats an earlier page"), "\(loop.output.suffix(2000))")
    }
}
