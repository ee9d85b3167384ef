/// Byte-wise (= code point) comparison of strings. Swift's `<` and `==` use Unicode canonical
/// equivalence, which differs from Python's (and Twilio's) code point order and would merge NFC
/// and NFD forms.
///
/// The sorts here run on unauthenticated input (a form body's names before its signature is
/// checked), so their worst case is bounded whatever the order: at most n⌈log₂ n⌉ comparisons
/// (above `insertionSortLimit` items), reading in all at most the keys' bytes plus one byte per
/// comparison (`LCPMergeSort`).
enum UTF8Order {
    /// What a sort did; tests pin the worst case with it (counts, not timings).
    struct SortCost: Sendable, Hashable {
        /// Comparisons of two items.
        var comparisons = 0
        /// Bytes read by comparisons that 8-byte prefixes or known common prefixes did not settle.
        var bytesCompared = 0
    }

    /// Up to this many items an insertion sort (fastest for the ~10 parameters of a callback and
    /// at most 120 comparisons); above it a merge sort.
    static let insertionSortLimit = 16

    static func less(_ lhs: String, _ rhs: String) -> Bool {
        var cost = SortCost()
        return less(lhs, rhs, from: 0, cost: &cost)
    }

    /// Byte order of `lhs` and `rhs`, whose first `offset` bytes are known to be equal (as far as
    /// both reach).
    static func less(_ lhs: String, _ rhs: String, from offset: Int, cost: inout SortCost) -> Bool {
        lhs.withUTF8Bytes { left in
            rhs.withUTF8Bytes { right in
                let count = min(left.count, right.count)
                var index = min(offset, count)
                let start = index
                defer { cost.bytesCompared += index - start + 1 }
                // Equal words first: long common prefixes are the costly case.
                while index + 8 <= count,
                    UnsafeRawPointer(left.baseAddress! + index).loadUnaligned(as: UInt64.self)
                        == UnsafeRawPointer(right.baseAddress! + index).loadUnaligned(as: UInt64.self)
                {
                    index += 8
                }
                while index < count {
                    if left[index] != right[index] { return left[index] < right[index] }
                    index += 1
                }
                return left.count < right.count
            }
        }
    }

    static func equal(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        // Eight bytes at a time: the dedupe of a repeated name's values compares whole values.
        return lhs.withUTF8Bytes { left in
            rhs.withUTF8Bytes { right in
                guard let leftBase = left.baseAddress, let rightBase = right.baseAddress else { return true }
                return ByteEncoding.equal(leftBase, rightBase, count: left.count)
            }
        }
    }

    /// Indices `0..<count` ordered by the bytes of `key(index)`; ties keep index order (stable).
    /// Up to `insertionSortLimit` items an insertion sort on 8-byte prefixes, else a bottom-up
    /// LCP merge sort (`LCPMergeSort`): at most n⌈log₂ n⌉ comparisons, and the bytes they read
    /// bounded by the keys' total bytes plus one per comparison, whatever the order or the
    /// common prefixes.
    static func sortedIndices(count: Int, cost: inout SortCost, key: (Int) -> String) -> [Int] {
        guard count > insertionSortLimit else { return insertionSortedIndices(count: count, cost: &cost, key: key) }
        return LCPMergeSort.sortedIndices(count: count, cost: &cost, key: key)
    }

    /// The insertion sort for a few items (the ~10 parameters of a callback: at most 120
    /// comparisons, nearly all settled by the prefixes).
    static func insertionSortedIndices(count: Int, cost: inout SortCost, key: (Int) -> String) -> [Int] {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: max(count, 1)) { prefixes in
            for index in 0..<count { prefixes[index] = keyPrefix(key(index)) }
            @inline(__always) func less(_ lhs: Int, _ rhs: Int) -> Bool {
                cost.comparisons += 1
                let left = prefixes[lhs]
                let right = prefixes[rhs]
                return left != right ? left < right : UTF8Order.less(key(lhs), key(rhs), from: 8, cost: &cost)
            }
            return [Int](unsafeUninitializedCapacity: count) { order, initialized in
                for index in 0..<count { order[index] = index }
                initialized = count
                guard count > 1 else { return }
                for index in 1..<count {
                    var position = index
                    while position > 0, less(index, order[position - 1]) {
                        order[position] = order[position - 1]
                        position -= 1
                    }
                    order[position] = index
                }
            }
        }
    }

    /// Calls `body` with a dictionary's entries in key byte order (keys are distinct). Up to
    /// `insertionSortLimit` keys it sorts (8-byte key prefix, dictionary index) pairs on the
    /// stack: no array of entries, the strings are only compared, and nearly every comparison is
    /// settled by the prefixes. Larger dictionaries (a record from the topic may hold anything)
    /// go through `sortedIndices`.
    static func forEachSortedByKey(
        _ dictionary: [String: StatusEvent.ParamValue],
        _ body: (_ offset: Int, _ key: String, _ value: StatusEvent.ParamValue) -> Void
    ) {
        let count = dictionary.count
        guard count > 0 else { return }
        guard count <= insertionSortLimit else {
            let entries = Array(dictionary)
            var cost = SortCost()
            let order = sortedIndices(count: count, cost: &cost) { entries[$0].key }
            for (offset, index) in order.enumerated() { body(offset, entries[index].key, entries[index].value) }
            return
        }
        typealias Item = (prefix: UInt64, index: [String: StatusEvent.ParamValue].Index)
        withUnsafeTemporaryAllocation(of: Item.self, capacity: count) { order in
            guard let base = order.baseAddress else { return }
            var filled = 0
            var index = dictionary.startIndex
            while index != dictionary.endIndex {
                let key = dictionary[index].key
                let item = (prefix: keyPrefix(key), index: index)
                var position = filled
                while position > 0 {
                    let previous = base[position - 1]
                    let less = item.prefix != previous.prefix ? item.prefix < previous.prefix : UTF8Order.less(key, dictionary[previous.index].key)
                    guard less else { break }
                    (base + position).moveInitialize(from: base + position - 1, count: 1)
                    position -= 1
                }
                (base + position).initialize(to: item)
                filled += 1
                dictionary.formIndex(after: &index)
            }
            for offset in 0..<filled {
                let entry = dictionary[base[offset].index]
                body(offset, entry.key, entry.value)
            }
            base.deinitialize(count: filled)
        }
    }

    /// The first 8 UTF-8 bytes, big-endian, zero-padded: comparing two prefixes orders the strings
    /// unless they are equal.
    static func keyPrefix(_ key: String) -> UInt64 {
        func prefix(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
            var prefix: UInt64 = 0
            for index in 0..<min(8, bytes.count) { prefix |= UInt64(bytes[index]) << (56 - 8 * UInt64(index)) }
            return prefix
        }
        return key.withUTF8Bytes(prefix)
    }

    /// Indices of `parameters` sorted by name bytes, ties in received order, and whether any name
    /// occurs twice.
    static func nameOrder(_ parameters: [FormParameters.Parameter]) -> (order: [Int], hasRepeatedNames: Bool) {
        var cost = SortCost()
        return nameOrder(parameters, cost: &cost)
    }

    static func nameOrder(
        _ parameters: [FormParameters.Parameter], cost: inout SortCost
    ) -> (order: [Int], hasRepeatedNames: Bool) {
        let count = parameters.count
        guard count > 0 else { return ([], false) }
        let order = sortedIndices(count: count, cost: &cost) { parameters[$0].name }
        for position in 1..<count where equal(parameters[order[position - 1]].name, parameters[order[position]].name) {
            return (order, true)
        }
        return (order, false)
    }

    /// `values` sorted by bytes with exact duplicates dropped: Python's `sorted(set(values))`.
    static func sortedUnique(_ values: [String], cost: inout SortCost) -> [String] {
        guard values.count > 1 else { return values }
        let order = sortedIndices(count: values.count, cost: &cost) { values[$0] }
        var unique: [String] = []
        unique.reserveCapacity(values.count)
        for index in order where unique.last.map({ !equal($0, values[index]) }) ?? true { unique.append(values[index]) }
        return unique
    }
}
