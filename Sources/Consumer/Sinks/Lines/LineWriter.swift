#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shared by the line sinks: renders a batch as JSON lines and writes it fully to a descriptor.
enum LineWriter {
    static func lines(_ batch: [ReleasedEvent]) -> [UInt8] {
        var bytes: [UInt8] = []
        appendLines(batch, to: &bytes)
        return bytes
    }

    static func appendLines(_ batch: [ReleasedEvent], to bytes: inout [UInt8]) {
        bytes.reserveCapacity(bytes.count + batch.count * 1000)
        // A batch's events come from one topic: its name is escaped once, not per line.
        var topic: String?
        var quotedTopic: [UInt8] = []
        for released in batch {
            if released.topic != topic {
                topic = released.topic
                quotedTopic = Array(ReleasedEventJSON.quoted(released.topic).utf8)
            }
            ReleasedEventJSON.appendRecord(released, eventJSON: released.eventJSON, quotedTopic: quotedTopic, to: &bytes)
            bytes.append(UInt8(ascii: "\n"))
        }
    }

    /// Blocking: call on a dispatch queue.
    static func writeAll(_ bytes: [UInt8], to fd: Int32, sink: String) throws {
        let (_, error) = write(bytes, from: 0, to: fd)
        if let error {
            throw SinkError(code: .writeFailed, sink: sink, message: "write failed: errno \(error)", isRetriable: true)
        }
    }

    /// Blocking: writes `bytes[start...]`; returns how far it got and, when it stopped short, errno.
    static func write(_ bytes: [UInt8], from start: Int, to fd: Int32) -> (end: Int, errno: Int32?) {
        bytes.withUnsafeBytes { buffer in
            var offset = start
            while offset < buffer.count {
                let written = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return (offset, errno)
                }
                offset += written
            }
            return (offset, nil)
        }
    }
}

/// `write(2)`, out of reach of `LineWriter.write`'s name.
private func systemWrite(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, pointer, count)
}
