import Foundation
import Logging

/// Start-up scan of a spool directory: takes the directory lock, validates every segment's
/// frames, truncates a torn tail with a warning, and rebuilds the in-memory state.
struct SpoolRecovery {
    let configuration: Spool.Configuration
    let logger: Logger

    func run() throws(SpoolError) -> (Spool.State, SpoolFile) {
        let directory = configuration.directory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SpoolError(code: .unusable, message: "cannot create spool directory \(directory): \(error.localizedDescription)")
        }
        let lockFile = try SpoolFile.open("\(directory)/LOCK", flags: O_RDWR | O_CREAT)
        guard flock(lockFile.descriptor, LOCK_EX | LOCK_NB) == 0 else {
            lockFile.close()
            throw SpoolError(code: .unusable, message: "spool directory \(directory) is in use by another process")
        }
        do {
            return (try recover(directory), lockFile)
        } catch {
            lockFile.close()
            throw error
        }
    }

    private func recover(_ directory: String) throws(SpoolError) -> Spool.State {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw SpoolError(code: .unusable, message: "cannot list spool directory \(directory)")
        }
        let sequences = names.compactMap { name -> UInt64? in
            guard name.hasPrefix("segment-"), name.hasSuffix(".spool") else { return nil }
            return UInt64(name.dropFirst("segment-".count).dropLast(".spool".count))
        }.sorted()

        var state = Spool.State()
        for sequence in sequences {
            let path = Spool.segmentPath(directory, sequence)
            let file = try SpoolFile.open(path, flags: O_RDWR)
            defer { file.close() }
            let size = try file.size()
            let bytes = try file.read(at: 0, count: size)
            if bytes.count < Spool.segmentHeaderSize {
                // Crashed while creating the segment: it holds no record.
                logger.warning("removing incomplete spool segment", metadata: ["path": "\(path)", "bytes": "\(bytes.count)"])
                unlink(path)
                continue
            }
            guard Array(bytes.prefix(Spool.segmentHeaderSize)) == Spool.magic else {
                throw SpoolError(code: .unusable, message: "\(path) is not a spool segment (bad magic); move it away")
            }
            var offset = Spool.segmentHeaderSize
            var records = 0
            var firstTimestamp: Int64?
            var tornReason: String?
            bytes.withUnsafeBytes { buffer in
                scan: while true {
                    switch SpoolFrame.scan(buffer, at: offset, maxPayload: configuration.maxRecordBytes + 64) {
                    case .record(let payload, let next):
                        guard let record = SpoolRecord.decode(UnsafeRawBufferPointer(rebasing: buffer[payload])) else {
                            tornReason = "undecodable record"
                            break scan
                        }
                        if firstTimestamp == nil { firstTimestamp = record.timestampMs }
                        records += 1
                        offset = next
                    case .end:
                        break scan
                    case .invalid(let reason):
                        tornReason = reason
                        break scan
                    }
                }
            }
            if let tornReason {
                logger.warning(
                    "spool segment has a torn or corrupt tail; truncating",
                    metadata: [
                        "path": "\(path)", "reason": "\(tornReason)", "offset": "\(offset)",
                        "droppedBytes": "\(bytes.count - offset)",
                    ]
                )
                try file.truncate(to: offset)
                try file.sync()
            }
            state.segments.append(Spool.Segment(sequence: sequence, path: path, size: offset, sealed: true))
            state.diskBytes += offset
            state.records += records
            if state.headTimestampMs == nil { state.headTimestampMs = firstTimestamp }
        }
        state.nextSequence = (sequences.last ?? 0) + 1
        state.cursor = Spool.Position(sequence: state.segments.first?.sequence ?? state.nextSequence, offset: Spool.segmentHeaderSize)
        if state.records > 0 {
            logger.notice(
                "spool recovered; draining to Kafka",
                metadata: ["records": "\(state.records)", "bytes": "\(state.diskBytes)", "segments": "\(state.segments.count)"]
            )
        }
        return state
    }
}
