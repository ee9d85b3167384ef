/// Byte-wise (= code point) comparison of strings. Swift's `<` and `==` use Unicode canonical
/// equivalence, which differs from Python's (and Twilio's) code point order and would merge NFC
/// and NFD forms.
enum UTF8Order {
    static func less(_ lhs: String, _ rhs: String) -> Bool {
        lhs.withUTF8Bytes { left in rhs.withUTF8Bytes { right in compare(left, right) } }
    }

    private static func compare(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = min(left.count, right.count)
        var index = 0
        while index < count {
            if left[index] != right[index] { return left[index] < right[index] }
            index += 1
        }
        return left.count < right.count
    }

    static func equal(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        return lhs.withUTF8Bytes { left in rhs.withUTF8Bytes { right in left.elementsEqual(right) } }
    }

    /// Calls `body` with a dictionary's entries in key byte order (keys are distinct). Sorts
    /// (8-byte key prefix, dictionary index) pairs on the stack: no array of entries, the strings
    /// are only compared, and nearly every comparison is settled by the prefixes.
    static func forEachSortedByKey(
        _ dictionary: [String: StatusEvent.ParamValue],
        _ body: (_ offset: Int, _ key: String, _ value: StatusEvent.ParamValue) -> Void
    ) {
        let count = dictionary.count
        guard count > 0 else { return }
        typealias Item = (prefix: UInt64, index: [String: StatusEvent.ParamValue].Index)
        withUnsafeTemporaryAllocation(of: Item.self, capacity: count) { order in
            guard let base = order.baseAddress else { return }
            var filled = 0
            var index = dictionary.startIndex
            while index != dictionary.endIndex {
                let key = dictionary[index].key
                let item = (prefix: keyPrefix(key), index: index)
                // Insertion sort: fastest for the ~10 keys of a callback.
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

    /// Indices of `parameters` sorted by name bytes, ties in received order (a stable insertion
    /// sort: fastest for the ~10 parameters Twilio sends; 8-byte name prefixes settle nearly every
    /// comparison), and whether any name occurs twice.
    static func nameOrder(_ parameters: [FormParameters.Parameter]) -> (order: [Int], hasRepeatedNames: Bool) {
        let count = parameters.count
        var order: [Int] = []
        order.reserveCapacity(count)
        guard count > 0 else { return (order, false) }
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: count) { prefixes in
            for index in 0..<count {
                let prefix = keyPrefix(parameters[index].name)
                prefixes[index] = prefix
                order.append(index)
                var position = index
                while position > 0 {
                    let previous = order[position - 1]
                    let less = prefix != prefixes[previous]
                        ? prefix < prefixes[previous] : UTF8Order.less(parameters[index].name, parameters[previous].name)
                    guard less else { break }
                    order[position] = previous
                    position -= 1
                }
                order[position] = index
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
}
