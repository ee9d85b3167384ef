import StatusEvents

/// Whether Twilio's status of a message is already reflected in the sink. Pure.
///
/// - no row in the sink: changed (`none → status`);
/// - the same status, ranked and not final (stuck), not yet confirmed in the sink: confirmed. The
///   event is published; the consumer drops it as a cross-source duplicate (no history row) and the
///   SQL sinks record the confirmation (`reconciled_status`), which the report shows;
/// - the same status otherwise: unchanged;
/// - a higher rank at Twilio, or another status of the same rank (e.g. the sink kept `failed`,
///   Twilio says `undelivered`): changed, and the consumer's rule decides what becomes current;
/// - a lower rank at Twilio than the sink's (the sink is ahead, e.g. `read` reached us first):
///   unchanged; publishing it would only be released as a late event.
/// - an unranked status at Twilio (inbound, unknown): changed only if the sink has no row.
package enum ReconcileDecision: Sendable, Hashable {
    case changed(Transition)
    /// Twilio reports the sink's status: counted as unchanged, published as a confirmation.
    case confirmed
    case unchanged

    package static func decide(sink: SinkMessage?, twilioStatus: String) -> ReconcileDecision {
        let status = twilioStatus.lowercased()
        guard let sink else { return .changed(Transition(from: nil, to: status)) }
        if sink.status == status {
            let stuck = MessageLifecycle.ranks[status] != nil && !MessageLifecycle.finalStatuses.contains(status)
            return stuck && sink.reconciledStatus != status ? .confirmed : .unchanged
        }
        guard let twilioRank = MessageLifecycle.ranks[status] else { return .unchanged }
        guard let sinkRank = sink.statusRank else { return .changed(Transition(from: sink.status, to: status)) }
        return twilioRank >= sinkRank ? .changed(Transition(from: sink.status, to: status)) : .unchanged
    }
}
