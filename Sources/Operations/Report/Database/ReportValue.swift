/// One cell of a query result, in the few types the report's queries return.
package enum ReportValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case double(Double)
    case text(String)

    package var int: Int64? {
        switch self {
        case .integer(let value): value
        case .double(let value): value.isFinite ? Int64(value) : nil
        case .text(let text): Int64(text)
        case .null: nil
        }
    }

    package var intValue: Int64 { int ?? 0 }

    package var string: String? {
        switch self {
        case .text(let text): text
        case .integer(let value): String(value)
        case .double(let value): String(value)
        case .null: nil
        }
    }
}
