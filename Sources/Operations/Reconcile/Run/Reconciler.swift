import Foundation
package import Logging
import StatusEvents
import StatusRelayCore

/// One reconciliation pass: find the messages to ask about (stuck in the sink; listed by Twilio
/// with `--discover`), ask Twilio with bounded concurrency, and publish one `reconciliation` event
/// per message whose Twilio status is not yet reflected in the sink, or that Twilio confirms stuck
/// at its status (a confirmation: see ``ReconcileDecision``). It never writes a sink: the
/// consumer orders, dedupes and writes these events like any other.
package struct Reconciler: Sendable {
    package let configuration: ReconcileConfiguration
    let client: TwilioAPIClient
    let publisher: (any ReconcileEventPublishing)?
    let logger: Logger
    /// Called with (done, total) as messages are settled; the progress bar and metrics.
    let progress: @Sendable (Int, Int) -> Void

    /// - Parameter publisher: nil only for a dry run.
    package init(
        configuration: ReconcileConfiguration, client: TwilioAPIClient, publisher: (any ReconcileEventPublishing)?,
        logger: Logger, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) {
        self.configuration = configuration
        self.client = client
        self.publisher = publisher
        self.logger = logger
        self.progress = progress
    }

    /// A message to settle: its account, sid, state in the sink and, when listed, Twilio's resource.
    struct Target: Sendable {
        var account: String
        var sid: String
        var sink: SinkMessage?
        var listed: JSONValue?
    }

    /// Events are published in chunks of this many, so a long pass holds little.
    static let publishChunk = 500

    package func run() async throws(ReconcileError) -> ReconcileSummary {
        let started = ContinuousClock.now
        let before = client.statistics
        var summary = ReconcileSummary()
        summary.dryRun = configuration.dryRun
        let targets = try await collectTargets(into: &summary)
        progress(0, targets.count)
        try await settle(targets, into: &summary)
        let after = client.statistics
        summary.requests = after.requests - before.requests
        summary.throttled = after.throttled - before.throttled
        summary.retries = after.retries - before.retries
        let elapsed = ContinuousClock.now - started
        summary.elapsedSeconds = elapsed.seconds
        return summary
    }

    // MARK: - Which messages

    private func collectTargets(into summary: inout ReconcileSummary) async throws(ReconcileError) -> [Target] {
        let accounts = Set(configuration.accounts)
        let now = Self.nowMilliseconds()
        var targets: [Target] = []
        var index: [String: Int] = [:]
        if let sink = configuration.sink {
            let reader = SinkStatusReader(sink: sink, logger: logger)
            let stuck = try await reader.stuck(
                staleBefore: now - configuration.staleAfter.milliseconds, notBefore: now - configuration.maxAge.milliseconds
            )
            summary.stuck = stuck.count
            for message in stuck {
                guard accounts.contains(message.accountSid) else {
                    summary.skippedAccounts += 1
                    continue
                }
                index[message.messageSid] = targets.count
                targets.append(Target(account: message.accountSid, sid: message.messageSid, sink: message))
            }
        }
        if let discovery = configuration.discovery {
            var listed: [Target] = []
            for account in configuration.accounts {
                listed += try await list(account: account, discovery: discovery)
            }
            summary.discovered = listed.count
            let known: [String: SinkMessage]
            if let sink = configuration.sink {
                known = try await SinkStatusReader(sink: sink, logger: logger).current(sids: listed.map(\.sid))
            } else {
                known = [:]
            }
            for var target in listed {
                target.sink = known[target.sid]
                if let existing = index[target.sid] {
                    // Stuck and listed: the listed resource answers it, no fetch needed.
                    targets[existing].listed = target.listed
                } else {
                    index[target.sid] = targets.count
                    targets.append(target)
                }
            }
        }
        return targets
    }

    /// Every outbound message Twilio lists for the account in the range, following next_page_uri.
    private func list(account: String, discovery: ReconcileConfiguration.Discovery) async throws(ReconcileError) -> [Target] {
        var path: String? = client.firstPagePath(
            account: account, since: discovery.since, until: discovery.until, pageSize: configuration.pageSize
        )
        var targets: [Target] = []
        var listedSids: Set<String> = []
        // A next_page_uri seen before would page forever: the answer is refused instead.
        var visited: Set<String> = []
        var pages = 0
        while let current = path {
            guard visited.insert(current).inserted else {
                throw ReconcileError(code: .twilio, message: "listing messages of \(account): next_page_uri repeats an earlier page")
            }
            let page: TwilioMessagePage
            do {
                page = try await client.listPage(path: current)
            } catch {
                if error.stopsRun { throw ReconcileError(code: .unauthorized, message: error.message, underlying: error) }
                throw ReconcileError(code: .twilio, message: "listing messages of \(account): \(error)", underlying: error)
            }
            pages += 1
            for message in page.messages {
                guard let sid = message["sid"]?.stringValue, StatusCallbackNormalizer.isMessageSid(sid) else { continue }
                // Inbound messages have no delivery status to reconcile.
                guard message["direction"]?.stringValue?.hasPrefix("outbound") == true else { continue }
                // DateSent filters are day-granular at Twilio; keep exactly the range asked for.
                if let sent = message["date_sent"]?.stringValue.flatMap(RFC2822Date.milliseconds) {
                    if sent < discovery.since { continue }
                    if let until = discovery.until, sent >= until { continue }
                }
                // Messages created while paging can shift a message onto the next page too.
                guard listedSids.insert(sid).inserted else { continue }
                targets.append(Target(account: account, sid: sid, sink: nil, listed: message))
            }
            path = page.nextPageURI
        }
        logger.info("listed messages", metadata: ["account": "\(account)", "pages": "\(pages)", "outbound": "\(targets.count)"])
        return targets
    }

    // MARK: - Asking and publishing

    private enum Outcome: Sendable {
        case changed(StatusEvent, Transition)
        case confirmed(StatusEvent)
        case unchanged
        case notFound
        case failed(String)
        case stop(TwilioAPIError)
    }

    private func settle(_ targets: [Target], into summary: inout ReconcileSummary) async throws(ReconcileError) {
        var pending: [StatusEvent] = []
        var done = 0
        var stop: TwilioAPIError?
        let concurrency = max(1, configuration.concurrency)
        do {
            try await withThrowingTaskGroup(of: Outcome.self) { group in
                var next = 0
                func add() {
                    let target = targets[next]
                    next += 1
                    group.addTask { await self.settle(target) }
                }
                while next < min(concurrency, targets.count) { add() }
                while let outcome = try await group.next() {
                    done += 1
                    summary.checked += 1
                    switch outcome {
                    case .changed(let event, let transition):
                        summary.changed[transition, default: 0] += 1
                        if summary.sample.count < configuration.sampleSize {
                            summary.sample.append(.init(messageSid: event.messageSid, transition: transition))
                        }
                        if !configuration.dryRun { pending.append(event) }
                    case .confirmed(let event):
                        summary.unchanged += 1
                        summary.confirmed += 1
                        if !configuration.dryRun { pending.append(event) }
                    case .unchanged:
                        summary.unchanged += 1
                    case .notFound:
                        summary.notFound += 1
                    case .failed(let reason):
                        summary.failed += 1
                        if summary.failures.count < configuration.sampleSize { summary.failures.append(reason) }
                    case .stop(let error):
                        summary.checked -= 1
                        stop = error
                        group.cancelAll()
                    }
                    if stop != nil { continue }
                    if pending.count >= Self.publishChunk {
                        try await publish(pending)
                        summary.published += pending.count
                        pending.removeAll(keepingCapacity: true)
                    }
                    progress(done, targets.count)
                    if next < targets.count { add() }
                }
            }
            if let stop { throw ReconcileError(code: .unauthorized, message: stop.message, underlying: stop) }
            if !pending.isEmpty {
                try await publish(pending)
                summary.published += pending.count
            }
        } catch let error as ReconcileError {
            throw error
        } catch {
            throw ReconcileError(code: .kafka, message: "publishing: \(error)", underlying: error)
        }
    }

    private func publish(_ events: [StatusEvent]) async throws {
        guard let publisher else { return }
        do {
            try await publisher.publish(events)
        } catch {
            throw ReconcileError(code: .kafka, message: "publishing \(events.count) events: \(error)", underlying: error)
        }
    }

    private func settle(_ target: Target) async -> Outcome {
        let resource: JSONValue
        if let listed = target.listed {
            resource = listed
        } else {
            do {
                switch try await client.fetchMessage(account: target.account, sid: target.sid) {
                case .notFound: return .notFound
                case .message(let value): resource = value
                }
            } catch {
                if error.stopsRun { return .stop(error) }
                logger.warning("message not reconciled", metadata: ["message_sid": "\(target.sid)", "error": "\(error)"])
                return .failed("\(target.sid): \(error)")
            }
        }
        let event: StatusEvent
        do {
            event = try ReconciliationNormalizer().normalize(message: resource, receivedAt: Self.nowMilliseconds())
        } catch {
            return .failed("\(target.sid): Twilio's answer is not a usable Message resource: \(error)")
        }
        guard event.messageSid == target.sid else {
            return .failed("\(target.sid): Twilio answered with another message (\(event.messageSid))")
        }
        switch ReconcileDecision.decide(sink: target.sink, twilioStatus: event.status) {
        case .unchanged: return .unchanged
        case .confirmed: return .confirmed(event)
        case .changed(let transition): return .changed(event, transition)
        }
    }

    static func nowMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}
