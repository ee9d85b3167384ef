/// Bounds on what one request can make the ingress do, checked before its signature (an
/// unauthenticated request costs at most this much) and therefore also bounding the work after it.
/// The ingress sets them from `--max-form-parameters` and `--max-batch-events`.
public struct WebhookLimits: Sendable, Hashable {
    /// Twilio sends 10-20 parameters with a status callback (a few more for some channels).
    public static let defaultMaxFormParameters = 256
    /// Twilio does not document an Event Streams batch size. A messaging CloudEvent is at least
    /// ~500 bytes, so a batch within the default 64 KiB body limit holds at most ~130 of them.
    public static let defaultMaxBatchEvents = 256

    /// Most parameters in a form body; beyond it `tooManyParameters` (HTTP 413).
    public var maxFormParameters: Int
    /// Most elements in an Event Streams batch; beyond it `tooManyEvents` (HTTP 413).
    public var maxBatchEvents: Int

    public init(maxFormParameters: Int = defaultMaxFormParameters, maxBatchEvents: Int = defaultMaxBatchEvents) {
        self.maxFormParameters = maxFormParameters
        self.maxBatchEvents = maxBatchEvents
    }
}
