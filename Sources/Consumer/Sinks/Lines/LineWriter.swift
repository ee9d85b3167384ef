#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shared by the line sinks: renders a batch as JSON lines and writes it fully to a descriptor.
enum LineWriter {
    static func lines(_ batch: [ReleasedEvent]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(batch.count * 900)
        for released in batch {
            ReleasedEventJSON.appendRecord(released, to: &bytes)
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    /// Blocking: call on a dispatch queue.
    static func writeAll(_ bytes: [UInt8], to fd: Int32, sink: String) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw SinkError(code: .writeFailed, sink: sink, message: "write failed: errno \(errno)", isRetriable: true)
                }
                offset += written
            }
        }
    }
}
