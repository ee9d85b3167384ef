import Foundation

/// Thin POSIX file wrapper for the spool. Every call blocks: use only on the spool's I/O queues.
struct SpoolFile: Sendable {
    let descriptor: Int32
    let path: String

    static func open(_ path: String, flags: Int32, mode: mode_t = 0o640) throws(SpoolError) -> SpoolFile {
        let descriptor = Foundation.open(path, flags | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw Self.error("open", path) }
        return SpoolFile(descriptor: descriptor, path: path)
    }

    func writeAll(_ bytes: [UInt8]) throws(SpoolError) {
        let failed: Bool = bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return true
                }
                offset += written
            }
            return false
        }
        if failed { throw Self.error("write", path) }
    }

    /// Makes written data durable (`fdatasync`: data and the size, not timestamps).
    func sync() throws(SpoolError) {
        while fdatasync(descriptor) != 0 {
            if errno != EINTR { throw Self.error("fdatasync", path) }
        }
    }

    func truncate(to size: Int) throws(SpoolError) {
        guard ftruncate(descriptor, off_t(size)) == 0 else { throw Self.error("ftruncate", path) }
    }

    func size() throws(SpoolError) -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Self.error("fstat", path) }
        return Int(info.st_size)
    }

    /// Reads `count` bytes at `offset` (fewer only at end of file).
    func read(at offset: Int, count: Int) throws(SpoolError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let result = buffer.withUnsafeMutableBytes { pointer in
                pread(descriptor, pointer.baseAddress! + filled, count - filled, off_t(offset + filled))
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw Self.error("pread", path)
            }
            if result == 0 { break }
            filled += result
        }
        if filled < count { buffer.removeLast(count - filled) }
        return buffer
    }

    func close() {
        _ = Foundation.close(descriptor)
    }

    /// fsyncs a directory so that created files are durable by name.
    static func syncDirectory(_ path: String) throws(SpoolError) {
        let descriptor = Foundation.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw error("open directory", path) }
        defer { _ = Foundation.close(descriptor) }
        guard fsync(descriptor) == 0 else { throw error("fsync directory", path) }
    }

    static func error(_ operation: String, _ path: String) -> SpoolError {
        let code = errno
        return SpoolError(code: .io, message: "\(operation) \(path): \(String(cString: strerror(code)))")
    }
}
