/// Byte-wise (= code point) comparison of strings. Swift's `<` and `==` use Unicode canonical
/// equivalence, which differs from Python's (and Twilio's) code point order and would merge NFC
/// and NFD forms.
enum UTF8Order {
    static func less(_ lhs: String, _ rhs: String) -> Bool {
        let result = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right in compare(left, right) }
        }
        if let result, let result { return result }
        return lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
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
        var lhs = lhs
        var rhs = rhs
        return lhs.withUTF8 { left in rhs.withUTF8 { right in left.elementsEqual(right) } }
    }

    /// Indices of `parameters` sorted by name bytes, ties in received order.
    static func nameOrder(_ parameters: [FormParameters.Parameter]) -> [Int] {
        order(parameters.count) { parameters[$0].name }
    }

    /// Indices `0..<count` sorted by `key(index)` bytes, ties by index. Insertion sort: stable,
    /// swaps only integers, and fastest for the ~10 parameters Twilio sends.
    static func order(_ count: Int, key: (Int) -> String) -> [Int] {
        var order = Array(0..<count)
        if count > 1 {
            for position in 1..<count {
                let current = order[position]
                let currentKey = key(current)
                var cursor = position
                while cursor > 0, less(currentKey, key(order[cursor - 1])) {
                    order[cursor] = order[cursor - 1]
                    cursor -= 1
                }
                order[cursor] = current
            }
        }
        return order
    }
}
