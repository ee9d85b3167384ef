extension String {
    /// Calls `body` with the string's UTF-8 bytes: in place for native and small strings (all of
    /// them on Linux), through a copy otherwise.
    @inline(__always)
    func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
        return ContiguousArray(utf8).withUnsafeBufferPointer(body)
    }
}
