/// Minimal JSON string escaping for hand-written JSON (log lines, error bodies): avoids creating
/// Foundation encoders on hot paths.
package enum JSONString {
    package static func append(_ string: String, to buffer: inout String) {
        buffer.append("\"")
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": buffer.append("\\\"")
            case "\\": buffer.append("\\\\")
            case "\n": buffer.append("\\n")
            case "\r": buffer.append("\\r")
            case "\t": buffer.append("\\t")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                buffer.append("\\u")
                buffer.append(String(repeating: "0", count: 4 - hex.count))
                buffer.append(hex)
            default: buffer.unicodeScalars.append(scalar)
            }
        }
        buffer.append("\"")
    }

    package static func quoted(_ string: String) -> String {
        var buffer = ""
        buffer.reserveCapacity(string.utf8.count + 2)
        append(string, to: &buffer)
        return buffer
    }
}
