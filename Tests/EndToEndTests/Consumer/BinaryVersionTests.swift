import Foundation
import Testing
import TestSupport

/// The built binaries report the librdkafka they loaded, and it is 2.3 or later.
@Suite struct BinaryVersionTests {
    @Test(arguments: ["statusrelay-consumer", "statusrelay-ingress"])
    func reportsLoadedLibrdkafkaAtLeast2_3(binary: String) async throws {
        let process = try ChildProcess(try ConsumerE2E.binary(binary), arguments: ["--version"])
        let status = try await process.waitForExit(timeout: .seconds(30))
        #expect(status == .exited(0))
        let output = process.output()
        let match = try #require(output.firstMatch(of: /librdkafka (\d+)\.(\d+)\.(\d+)/), "no librdkafka version in: \(output)")
        let (major, minor) = (Int(match.1)!, Int(match.2)!)
        #expect(major > 2 || (major == 2 && minor >= 3), "\(binary) loaded librdkafka \(match.0)")
    }
}
