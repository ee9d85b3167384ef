/// Finds complete HTTP/1.1 responses in a byte stream: just enough parsing for a load generator
/// (status code and framing by Content-Length or chunked encoding).
enum HTTPResponseScanner {
    struct Response: Equatable {
        var status: Int
        /// Bytes of the whole response, head and body.
        var length: Int
        var closesConnection: Bool
    }

    /// The first complete response at the start of `bytes`, nil when more bytes are needed.
    static func scan(_ bytes: UnsafeRawBufferPointer) throws(BenchError) -> Response? {
        guard let headEnd = find(crlfcrlf, in: bytes, from: 0) else {
            if bytes.count > 64 * 1024 { throw BenchError("response head larger than 64 KiB") }
            return nil
        }
        // "HTTP/1.1 200 ..."
        guard headEnd >= 12, bytes[0] == UInt8(ascii: "H"),
            let status = Int(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[9..<12]), as: UTF8.self))
        else { throw BenchError("not an HTTP response") }
        var contentLength = 0
        var chunked = false
        var closes = false
        let head = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<headEnd]), as: UTF8.self)
        for line in head.split(separator: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces().lowercased()
            switch name {
            case "content-length": contentLength = Int(value) ?? 0
            case "transfer-encoding": chunked = value.contains("chunked")
            case "connection": closes = value.contains("close")
            default: break
            }
        }
        let bodyStart = headEnd + 4
        if !chunked {
            let end = bodyStart + contentLength
            return end <= bytes.count ? Response(status: status, length: end, closesConnection: closes) : nil
        }
        var position = bodyStart
        while true {
            guard let lineEnd = find(crlf, in: bytes, from: position) else { return nil }
            let sizeText = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<lineEnd]), as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";").first.map(String.init) ?? "", radix: 16) else {
                throw BenchError("bad chunk size")
            }
            if size == 0 {
                // Trailers end with an empty line.
                guard let terminator = find(crlfcrlf, in: bytes, from: lineEnd) else { return nil }
                return Response(status: status, length: terminator + 4, closesConnection: closes)
            }
            position = lineEnd + 2 + size + 2
            if position > bytes.count { return nil }
        }
    }

    private static let crlf: [UInt8] = [13, 10]
    private static let crlfcrlf: [UInt8] = [13, 10, 13, 10]

    private static func find(_ needle: [UInt8], in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start >= 0, bytes.count >= needle.count else { return nil }
        var index = start
        let last = bytes.count - needle.count
        while index <= last {
            if bytes[index] == needle[0] {
                var match = true
                for offset in 1..<needle.count where bytes[index + offset] != needle[offset] {
                    match = false
                    break
                }
                if match { return index }
            }
            index += 1
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " || result.first == "\t" { result = result.dropFirst() }
        while result.last == " " || result.last == "\t" { result = result.dropLast() }
        return result
    }
}
