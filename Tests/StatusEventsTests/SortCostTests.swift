@testable import StatusEvents
import Testing
import TestSupport

/// The name sort runs before the signature is checked, so its cost must not depend on the order
/// an attacker picks (issue 16, item 1). Pinned by counting comparisons and bytes, not by timing:
/// at most n⌈log₂ n⌉ comparisons, and (above the insertion-sort size) bytes read bounded by B plus
/// one per comparison for B bytes of names, however long their common prefixes.
@Suite struct SortCostTests {
    enum Shape: String, CaseIterable {
        case descending, ascending, random, repeatedName, longCommonPrefix, fewDistinct
    }

    static func names(_ shape: Shape, count: Int) -> [String] {
        var generator = SeededGenerator(seed: 0x5047)
        switch shape {
        case .descending: return (0..<count).map { "p" + pad(count - $0) }
        case .ascending: return (0..<count).map { "p" + pad($0) }
        case .random: return (0..<count).map { _ in String(generator.next() % 1_000_000) }
        case .repeatedName: return Array(repeating: "MessageStatus", count: count)
        case .longCommonPrefix:
            // Equal 8-byte prefixes, then 400 more equal bytes before the (descending) difference.
            return (0..<count).map { String(repeating: "x", count: 400) + pad(count - $0) }
        case .fewDistinct: return (0..<count).map { _ in ["To", "From", "Tag", "Tag2"][Int(generator.next() % 4)] }
        }
    }

    static func pad(_ number: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    static func log2Ceiling(_ count: Int) -> Int { count <= 1 ? 0 : Int.bitWidth - (count - 1).leadingZeroBitCount }

    @Test(arguments: Shape.allCases)
    func nameOrderIsLinearithmicWhateverTheOrder(shape: Shape) {
        for count in [10, 17, 1000, 13_000] where !(shape == .longCommonPrefix && count > 1000) {
            let parameters = Self.names(shape, count: count).enumerated().map { FormParameters.Parameter(name: $0.element, value: "\($0.offset)") }
            var cost = UTF8Order.SortCost()
            let (order, repeated) = UTF8Order.nameOrder(parameters, cost: &cost)
            let expected = parameters.indices.sorted { lhs, rhs in
                let left = Array(parameters[lhs].name.utf8)
                let right = Array(parameters[rhs].name.utf8)
                return left == right ? lhs < rhs : left.lexicographicallyPrecedes(right)
            }
            #expect(order == expected, "\(shape) \(count)")
            #expect(repeated == (Set(parameters.map(\.name)).count < count))
            let log = Self.log2Ceiling(count)
            let bytes = parameters.reduce(0) { $0 + $1.name.utf8.count }
            // Up to 16 items an insertion sort (at most 120 comparisons), n⌈log₂ n⌉ above.
            let bound = count <= 16 ? count * (count - 1) / 2 : count * log
            #expect(cost.comparisons <= bound, "\(shape) n=\(count): \(cost.comparisons) comparisons")
            #expect(count <= 16 || cost.bytesCompared <= bytes + cost.comparisons, "\(shape) n=\(count): \(cost.bytesCompared) bytes for \(bytes)")
        }
    }

    /// A repeated name's values are sorted by the same bounded sort (Python's sorted(set(values))).
    @Test(arguments: Shape.allCases)
    func sortedUniqueIsLinearithmic(shape: Shape) {
        let values = Self.names(shape, count: 1000)
        var cost = UTF8Order.SortCost()
        let unique = UTF8Order.sortedUnique(values, cost: &cost)
        let expected = Set(values.map { Array($0.utf8) }).sorted { $0.lexicographicallyPrecedes($1) }
        #expect(unique.map { Array($0.utf8) } == expected)
        #expect(cost.comparisons <= 1000 * Self.log2Ceiling(1000))
        let bytes = values.reduce(0) { $0 + $1.utf8.count }
        #expect(cost.bytesCompared <= bytes + cost.comparisons, "\(shape): \(cost.bytesCompared) bytes for \(bytes)")
    }

    /// The benchmark's costliest forms (`statusrelay bench webhook`): names, and one name's
    /// values, padded to a long common prefix in descending order. Their sorts read no more than
    /// the body's names or values plus one byte per comparison.
    @Test func hostileFormsSortInBytesOfTheBody() {
        for item in HostileRequestBenchmark.cases() where item.contentType == HostileRequestBenchmark.formType {
            guard let parameters = try? FormParameters.parse(item.body, maxParameters: WebhookLimits.defaultMaxFormParameters) else { continue }
            let count = parameters.count
            var names = UTF8Order.SortCost()
            let (order, _) = UTF8Order.nameOrder(parameters.parameters, cost: &names)
            let nameBytes = parameters.reduce(0) { $0 + $1.name.utf8.count }
            #expect(names.comparisons <= count * Self.log2Ceiling(count), "\(item.name)")
            #expect(names.bytesCompared <= nameBytes + names.comparisons, "\(item.name): \(names.bytesCompared) bytes for \(nameBytes)")
            var position = 0
            while position < count {
                var end = position + 1
                while end < count, parameters[order[end]].name == parameters[order[position]].name { end += 1 }
                let values = order[position..<end].map { parameters[$0].value }
                var cost = UTF8Order.SortCost()
                _ = UTF8Order.sortedUnique(values, cost: &cost)
                let valueBytes = values.reduce(0) { $0 + $1.utf8.count }
                #expect(cost.comparisons <= values.count * Self.log2Ceiling(values.count), "\(item.name)")
                #expect(cost.bytesCompared <= valueBytes + cost.comparisons, "\(item.name): \(cost.bytesCompared) bytes for \(valueBytes)")
                position = end
            }
        }
    }

    /// Dictionaries beyond the insertion-sort size (an event read from the topic may hold any
    /// number of params) come out in key byte order too.
    @Test func manyParamsEncodeInKeyByteOrder() throws {
        var params: [String: StatusEvent.ParamValue] = [:]
        for name in Self.names(.descending, count: 3000) + ["é", "e\u{301}", "ABCDEFGH", "ABCDEFGH\u{0}"] { params[name] = .single("v") }
        var keys: [[UInt8]] = []
        UTF8Order.forEachSortedByKey(params) { offset, key, _ in
            #expect(offset == keys.count)
            keys.append(Array(key.utf8))
        }
        #expect(keys == params.keys.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
    }
}
