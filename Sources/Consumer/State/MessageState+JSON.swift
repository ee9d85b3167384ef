import StatusEvents

extension MessageState {
    /// Compact JSON for the changelog:
    /// `{"seq":3,"rank":60,"status":"delivered","st":1795970444000,"sid":"...","at":1795970444847,"ids":["..."],"rel":790528}`
    /// (`rel`: `sent` by status callback, `delivered` by status callback and Event Streams).
    /// Hand-written because it runs once per message per batch on the hot path.
    func jsonBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + recentEventIDs.reduce(0) { $0 + $1.utf8.count + 3 })
        out.append(contentsOf: #"{"seq":"#.utf8)
        out.append(contentsOf: String(sequence).utf8)
        if let lastRank {
            out.append(contentsOf: #","rank":"#.utf8)
            out.append(contentsOf: String(lastRank).utf8)
        }
        if let lastStatus {
            out.append(contentsOf: #","status":"#.utf8)
            Self.appendString(lastStatus, to: &out)
        }
        if let lastStatusTime {
            out.append(contentsOf: #","st":"#.utf8)
            out.append(contentsOf: String(lastStatusTime).utf8)
        }
        if let lastStatusEventID {
            out.append(contentsOf: #","sid":"#.utf8)
            Self.appendString(lastStatusEventID, to: &out)
        }
        if let lastEventTime {
            out.append(contentsOf: #","at":"#.utf8)
            out.append(contentsOf: String(lastEventTime).utf8)
        }
        out.append(contentsOf: #","ids":["#.utf8)
        for (index, id) in recentEventIDs.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            Self.appendString(id, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        if releasedSources.bits != 0 {
            out.append(contentsOf: #","rel":"#.utf8)
            out.append(contentsOf: String(releasedSources.bits).utf8)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    static func appendString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
