/// A stable bottom-up merge sort of byte strings that carries, for each item of a sorted run, the
/// length of its common prefix with the item before it (LCP merge sort, Ng & Kakehi). A
/// comparison starts after the bytes its two items are known to share with the last item output,
/// and is settled without reading a byte when those lengths differ. A byte read that matches
/// lengthens the common prefix of an item with its predecessor, which only grows as runs merge,
/// so all comparisons together read at most the keys' total bytes plus one byte each, however
/// long the common prefixes (names or values padded to a shared prefix before authentication).
enum LCPMergeSort {
    /// Indices `0..<count` ordered by the bytes of `key(index)` (= code point order), ties in
    /// index order; at most n⌈log₂ n⌉ comparisons. The keys are copied once into one buffer.
    static func sortedIndices(count: Int, cost: inout UTF8Order.SortCost, key: (Int) -> String) -> [Int] {
        var total = 0
        for index in 0..<count { total += key(index).utf8.count }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(total, 1)) { bytes in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 5 * count + 1) { space in
                // starts[i]..<starts[i + 1]: key i's bytes; then order/scratch and their LCPs.
                let starts = space.baseAddress!
                var offset = 0
                for index in 0..<count {
                    starts[index] = offset
                    key(index).withUTF8Bytes { utf8 in
                        guard let base = utf8.baseAddress, !utf8.isEmpty else { return }
                        ByteEncoding.copy(base, to: bytes.baseAddress! + offset, count: utf8.count)
                        offset += utf8.count
                    }
                }
                starts[count] = offset
                let keys = Keys(bytes: UnsafePointer(bytes.baseAddress!), starts: UnsafePointer(starts))
                return sort(
                    count: count, keys: keys, order: starts + count + 1, orderLCP: starts + 2 * count + 1,
                    scratch: starts + 3 * count + 1, scratchLCP: starts + 4 * count + 1, cost: &cost
                )
            }
        }
    }

    struct Keys {
        let bytes: UnsafePointer<UInt8>
        let starts: UnsafePointer<Int>

        /// Whether key `lhs` sorts before key `rhs`, and their common prefix length, given that
        /// they share their first `offset` bytes.
        @inline(__always)
        func less(_ lhs: Int, _ rhs: Int, from offset: Int, cost: inout UTF8Order.SortCost) -> (less: Bool, common: Int) {
            let left = bytes + starts[lhs]
            let right = bytes + starts[rhs]
            let leftCount = starts[lhs + 1] - starts[lhs]
            let rightCount = starts[rhs + 1] - starts[rhs]
            let count = min(leftCount, rightCount)
            var index = offset
            defer { cost.bytesCompared += index - offset + 1 }
            while index + 8 <= count,
                UnsafeRawPointer(left + index).loadUnaligned(as: UInt64.self) == UnsafeRawPointer(right + index).loadUnaligned(as: UInt64.self)
            {
                index += 8
            }
            while index < count {
                if left[index] != right[index] { return (left[index] < right[index], index) }
                index += 1
            }
            return (leftCount < rightCount, index)
        }
    }

    /// `order[i]` / `orderLCP[i]`: the item at position i and its common prefix with the item
    /// before it in its run.
    static func sort(
        count: Int, keys: Keys, order: UnsafeMutablePointer<Int>, orderLCP: UnsafeMutablePointer<Int>,
        scratch: UnsafeMutablePointer<Int>, scratchLCP: UnsafeMutablePointer<Int>, cost: inout UTF8Order.SortCost
    ) -> [Int] {
        for index in 0..<count {
            order[index] = index
            orderLCP[index] = 0
        }
        var source = (items: order, lcp: orderLCP)
        var target = (items: scratch, lcp: scratchLCP)
        var width = 1
        while width < count {
            var start = 0
            while start < count {
                let middle = min(start + width, count)
                let end = min(start + 2 * width, count)
                var left = start
                var right = middle
                var output = start
                // Common prefixes of the two heads with the last item output (none yet: 0).
                var leftLCP = 0
                var rightLCP = 0
                while left < middle, right < end {
                    cost.comparisons += 1
                    let takeRight: Bool
                    if leftLCP != rightLCP {
                        // The head sharing more with the last output is the smaller; the other
                        // keeps its common prefix with the new last output.
                        takeRight = rightLCP > leftLCP
                    } else {
                        let (less, common) = keys.less(source.items[right], source.items[left], from: leftLCP, cost: &cost)
                        takeRight = less
                        if less { leftLCP = common } else { rightLCP = common }
                    }
                    if takeRight {
                        target.items[output] = source.items[right]
                        target.lcp[output] = rightLCP
                        right += 1
                        if right < end { rightLCP = source.lcp[right] }
                    } else {
                        target.items[output] = source.items[left]
                        target.lcp[output] = leftLCP
                        left += 1
                        if left < middle { leftLCP = source.lcp[left] }
                    }
                    output += 1
                }
                if left < middle {
                    (target.items + output).update(from: source.items + left, count: middle - left)
                    (target.lcp + output).update(from: source.lcp + left, count: middle - left)
                    target.lcp[output] = leftLCP
                } else if right < end {
                    (target.items + output).update(from: source.items + right, count: end - right)
                    (target.lcp + output).update(from: source.lcp + right, count: end - right)
                    target.lcp[output] = rightLCP
                }
                start = end
            }
            swap(&source, &target)
            width *= 2
        }
        return [Int](UnsafeBufferPointer(start: source.items, count: count))
    }
}
