package import Logging
import StatusEvents
import StatusRelayCore

/// Reads messages' current state from a sink database (`sqlite:PATH` or `postgres://…`, the
/// consumer's URLs), read-only, through the report's sessions.
package struct SinkStatusReader: Sendable {
    package let sink: String
    let logger: Logger

    package init(sink: String, logger: Logger) {
        self.sink = sink
        self.logger = logger
    }

    /// Stuck messages: not final, unchanged since before `staleBefore`, changed at or after `notBefore`.
    package func stuck(staleBefore: Int64, notBefore: Int64) async throws(ReconcileError) -> [SinkMessage] {
        try await withSession { session throws(ReportError) in
            let reconciled = try await Self.reconciledStatus(session)
            return try await session.query(
                ReconcileQueries.stuck(staleBefore: staleBefore, notBefore: notBefore, reconciledStatus: reconciled)
            ).compactMap(Self.row)
        }
    }

    /// Current state of the messages among `sids` that the sink knows, by sid.
    package func current(sids: [String]) async throws(ReconcileError) -> [String: SinkMessage] {
        let checked = sids.filter(StatusCallbackNormalizer.isMessageSid)
        guard !checked.isEmpty else { return [:] }
        return try await withSession { session throws(ReportError) in
            var found: [String: SinkMessage] = [:]
            let reconciled = try await Self.reconciledStatus(session)
            var start = 0
            while start < checked.count {
                let chunk = Array(checked[start..<min(start + 500, checked.count)])
                for row in try await session.query(ReconcileQueries.current(sids: chunk, reconciledStatus: reconciled)) {
                    if let message = Self.row(row) { found[message.messageSid] = message }
                }
                start += 500
            }
            return found
        }
    }

    private func withSession<T>(_ body: (any ReportSession) async throws(ReportError) -> T) async throws(ReconcileError) -> T {
        let session: any ReportSession
        do {
            session = try await DeliveryReportGenerator.openSession(sink: sink, logger: logger)
        } catch {
            throw ReconcileError(code: .sink, message: "--sink \(SecretRedaction.redact(url: sink)): \(error.message)", underlying: error)
        }
        do {
            let result = try await body(session)
            await session.close()
            return result
        } catch {
            await session.close()
            throw ReconcileError(code: .sink, message: "--sink \(SecretRedaction.redact(url: sink)): \(error.message)", underlying: error)
        }
    }

    private static func reconciledStatus(_ session: any ReportSession) async throws(ReportError) -> String {
        let columns = Set(try await session.query(session.dialect.statusColumnsQuery).compactMap { $0.first?.string })
        return ReconcileQueries.reconciledStatus(columns: columns)
    }

    private static func row(_ values: [ReportValue]) -> SinkMessage? {
        guard values.count == 6, let sid = values[0].string, let account = values[1].string, let status = values[2].string else {
            return nil
        }
        return SinkMessage(
            messageSid: sid, accountSid: account, status: status, statusRank: values[3].int.map { Int($0) }, updatedAt: values[4].intValue,
            reconciledStatus: values[5].string
        )
    }
}
