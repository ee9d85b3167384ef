@testable import Consumer
import Foundation
import Testing

/// The consumer's /healthz and /readyz answer JSON in the ingress's format (issue 18).
@Suite struct ConsumerAdminResponseTests {
    static func object(_ body: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }

    @Test func livenessIsTheIngresssJSON() throws {
        var snapshot = ConsumerHealth.Snapshot()
        let (status, body) = ConsumerAdminServer.liveness(snapshot)
        #expect(status == .ok)
        #expect(body == #"{"status":"alive"}"#)  // byte for byte what the ingress answers
        snapshot.stopped = true
        let (stoppedStatus, stoppedBody) = ConsumerAdminServer.liveness(snapshot)
        #expect(stoppedStatus == .serviceUnavailable)
        #expect(try Self.object(stoppedBody)["status"] as? String == "stopped")
    }

    @Test func readinessIsJSONWithEachPartAndTheReason() throws {
        var snapshot = ConsumerHealth.Snapshot()
        snapshot.started = true
        snapshot.assignedPartitions = [0, 2]
        var (status, body) = ConsumerAdminServer.readiness(snapshot)
        #expect(status == .ok)
        var object = try Self.object(body)
        #expect(object["ready"] as? Bool == true)
        #expect(object["sinks"] as? String == "healthy")
        #expect(object["partitions"] as? [Int] == [0, 2])
        #expect(object["reason"] == nil)

        snapshot.stalledPartitions = [2]
        (status, body) = ConsumerAdminServer.readiness(snapshot)
        object = try Self.object(body)
        #expect(status == .serviceUnavailable)
        #expect(object["ready"] as? Bool == false)
        #expect(object["reason"] as? String == "no committed progress on partitions [2]")
        #expect(object["stalled"] as? [Int] == [2])

        snapshot.sinksHealthy = false
        (status, body) = ConsumerAdminServer.readiness(snapshot)
        object = try Self.object(body)
        #expect(object["reason"] as? String == "sink unavailable")
        #expect(object["sinks"] as? String == "unavailable")

        #expect(try Self.object(ConsumerAdminServer.readiness(ConsumerHealth.Snapshot()).1)["reason"] as? String == "starting")
    }
}
