import Crypto

/// HMAC (RFC 2104) with the key schedule done once: the hash states after the inner and outer
/// padded key blocks are kept and copied per message. Uses `update(bufferPointer:)` to stay off
/// swift-crypto's generic `DataProtocol` path, which dominated the hot path.
struct PrecomputedHMAC<H: HashFunction>: Sendable {
    private let inner: H
    private let outer: H

    init(key: [UInt8]) {
        var block = key.count > H.blockByteCount ? Array(H.hash(data: key).withUnsafeBytes { Array($0) }) : key
        block += Array(repeating: 0, count: H.blockByteCount - block.count)
        var inner = H()
        var outer = H()
        let innerPad = block.map { $0 ^ 0x36 }
        let outerPad = block.map { $0 ^ 0x5C }
        innerPad.withUnsafeBytes { inner.update(bufferPointer: $0) }
        outerPad.withUnsafeBytes { outer.update(bufferPointer: $0) }
        self.inner = inner
        self.outer = outer
    }

    /// MAC of `first + second`, passed to `body` as raw bytes.
    func authenticate<R>(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        var inner = self.inner
        inner.update(bufferPointer: first)
        inner.update(bufferPointer: second)
        let innerDigest = inner.finalize()
        var outer = self.outer
        innerDigest.withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize().withUnsafeBytes(body)
    }
}

extension SHA256 {
    /// SHA-256 of a byte array without the generic `DataProtocol` path.
    static func digestHex(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { digestHex($0) }
    }

    static func digestHex(_ bytes: UnsafeRawBufferPointer) -> String {
        var hasher = SHA256()
        hasher.update(bufferPointer: bytes)
        return hasher.finalize().withUnsafeBytes { ByteEncoding.hex($0) }
    }
}
