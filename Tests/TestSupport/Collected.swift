import Synchronization

/// A thread-safe list for collecting values from concurrent tasks in tests.
public final class Collected<Value: Sendable>: Sendable {
    private let storage = Mutex<[Value]>([])

    public init() {}

    public func append(_ value: Value) {
        storage.withLock { $0.append(value) }
    }

    public var values: [Value] { storage.withLock { $0 } }
    public var count: Int { storage.withLock { $0.count } }
}
