/// Byte-wise (= code point) comparison of strings. Swift's `<` and `==` use Unicode canonical
/// equivalence, which differs from Python's (and Twilio's) code point order and would merge NFC
/// and NFD forms.
///
/// The sorts here run on unauthenticated input (a form body's names before its signature is
/// checked), so their worst case is bounded whatever the order: at most n⌈log₂ n⌉ comparisons,
/// each reading the bytes of its two strings once.
enum UTF8Order {
    /// What a sort did; tests pin the worst case with it (counts, not timings).
    struct SortCost: Sendable, Hashable {
        /// Comparisons of two items.
        var comparisons = 0
        /// Bytes read by comparisons whose 8-byte prefixes were equal.
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
        return lhs.withUTF8Bytes { left in rhs.withUTF8Bytes { right in left.elementsEqual(right) } }
    }

    /// Indices `0..<prefixes.count` ordered by prefix, then by `tailLess` for equal prefixes; ties
    /// keep index order (stable). An insertion sort up to `insertionSortLimit` items, else a
    /// bottom-up merge sort (runs already in order are not merged): at most n⌈log₂ n⌉
    /// comparisons whatever the input order.
    static func sortedIndices(
        prefixes: UnsafeBufferPointer<UInt64>,
        cost: inout SortCost,
        tailLess: (_ lhs: Int, _ rhs: Int, _ cost: inout SortCost) -> Bool
    ) -> [Int] {
        let count = prefixes.count
        @inline(__always) func less(_ lhs: Int, _ rhs: Int) -> Bool {
            cost.comparisons += 1
            let left = prefixes[lhs]
            let right = prefixes[rhs]
            return left != right ? left < right : tailLess(lhs, rhs, &cost)
        }
        return [Int](unsafeUninitializedCapacity: count) { order, initialized in
            for index in 0..<count { order[index] = index }
            initialized = count
            guard count > 1 else { return }
            if count <= insertionSortLimit {
                for index in 1..<count {
                    var position = index
                    while position > 0, less(index, order[position - 1]) {
                        order[position] = order[position - 1]
                        position -= 1
                    }
                    order[position] = index
                }
                return
            }
            withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { scratch in
                var source = order.baseAddress!
                var target = scratch.baseAddress!
                var width = 1
                while width < count {
                    var start = 0
                    while start < count {
                        let middle = min(start + width, count)
                        let end = min(start + 2 * width, count)
                        if middle == end || !less(source[middle], source[middle - 1]) {
                            // One run, or two already in order.
                            (target + start).update(from: source + start, count: end - start)
                        } else {
                            var left = start
                            var right = middle
                            var output = start
                            while left < middle, right < end {
                                if less(source[right], source[left]) {
                                    target[output] = source[right]
                                    right += 1
                                } else {
                                    target[output] = source[left]
                                    left += 1
                                }
                                output += 1
                            }
                            (target + output).update(from: source + left, count: middle - left)
                            output += middle - left
                            (target + output).update(from: source + right, count: end - right)
                        }
                        start = end
                    }
                    swap(&source, &target)
                    width *= 2
                }
                if source != order.baseAddress! { order.baseAddress!.update(from: source, count: count) }
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
            let order = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: count) { prefixes in
                for index in 0..<count { prefixes[index] = keyPrefix(entries[index].key) }
                var cost = SortCost()
                return sortedIndices(prefixes: UnsafeBufferPointer(prefixes), cost: &cost) { lhs, rhs, cost in
                    less(entries[lhs].key, entries[rhs].key, from: 8, cost: &cost)
                }
            }
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
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: count) { prefixes in
            for index in 0..<count { prefixes[index] = keyPrefix(parameters[index].name) }
            let order = sortedIndices(prefixes: UnsafeBufferPointer(prefixes), cost: &cost) { lhs, rhs, cost in
                less(parameters[lhs].name, parameters[rhs].name, from: 8, cost: &cost)
            }
            var repeated = false
            for position in 1..<count where prefixes[order[position - 1]] == prefixes[order[position]] {
                if equal(parameters[order[position - 1]].name, parameters[order[position]].name) {
                    repeated = true
                    break
                }
            }
            return (order, repeated)
        }
    }

    /// `values` sorted by bytes with exact duplicates dropped: Python's `sorted(set(values))`.
    static func sortedUnique(_ values: [String], cost: inout SortCost) -> [String] {
        guard values.count > 1 else { return values }
        let order = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: values.count) { prefixes in
            for index in values.indices { prefixes[index] = keyPrefix(values[index]) }
            return sortedIndices(prefixes: UnsafeBufferPointer(prefixes), cost: &cost) { lhs, rhs, cost in
                less(values[lhs], values[rhs], from: 8, cost: &cost)
            }
        }
        var unique: [String] = []
        unique.reserveCapacity(values.count)
        for index in order where unique.last.map({ !equal($0, values[index]) }) ?? true { unique.append(values[index]) }
        return unique
    }
}
