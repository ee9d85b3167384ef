/// Decoded `application/x-www-form-urlencoded` parameters in received order.
///
/// Repeated names keep every value in order; empty values and names without `=` are kept (value
/// `""`); nothing is trimmed. Empty segments (`a=1&&b=2`, a trailing `&`) carry no parameter and are
/// skipped, as `urllib.parse.parse_qsl` and Werkzeug do.
public struct FormParameters: Sendable, Hashable, RandomAccessCollection, ExpressibleByArrayLiteral {
    public struct Parameter: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var parameters: [Parameter]
    /// Indices sorted by name bytes (ties in received order), computed once at parse time because
    /// both the signature and the event id need it.
    private var cachedNameOrder: [Int]?
    /// Whether two parameters share a name; cached with `cachedNameOrder`.
    private var cachedHasRepeatedNames = true

    public init(_ parameters: [Parameter] = []) {
        self.parameters = parameters
    }

    public init(_ pairs: [(String, String)]) {
        self.parameters = pairs.map { Parameter(name: $0.0, value: $0.1) }
    }

    init(parsed parameters: [Parameter]) {
        self.parameters = parameters
        (cachedNameOrder, cachedHasRepeatedNames) = UTF8Order.nameOrder(parameters)
    }

    /// Indices sorted by name bytes (ties in received order), and whether any name occurs twice
    /// (when not, loops over the order skip looking for runs of one name: the usual callback).
    var sortedNames: (order: [Int], hasRepeatedNames: Bool) {
        if let cachedNameOrder { return (cachedNameOrder, cachedHasRepeatedNames) }
        return UTF8Order.nameOrder(parameters)
    }

    public static func == (lhs: FormParameters, rhs: FormParameters) -> Bool {
        lhs.parameters == rhs.parameters
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(parameters)
    }

    public init(arrayLiteral elements: (String, String)...) {
        self.init(elements)
    }

    public var startIndex: Int { parameters.startIndex }
    public var endIndex: Int { parameters.endIndex }
    public subscript(position: Int) -> Parameter { parameters[position] }

    /// The first value of `name` (case-sensitive), or nil.
    public func first(_ name: String) -> String? {
        let count = name.utf8.count
        for parameter in parameters where parameter.name.utf8.count == count && parameter.name == name { return parameter.value }
        return nil
    }

    /// Every value of `name` in received order.
    public func all(_ name: String) -> [String] {
        parameters.compactMap { $0.name == name ? $0.value : nil }
    }

    public mutating func append(name: String, value: String) {
        parameters.append(Parameter(name: name, value: value))
        cachedNameOrder = nil
    }

    /// Parses a form body. `+` is a space and `%XX` escapes are decoded; the decoded bytes must be
    /// UTF-8.
    ///
    /// - Throws: `WebhookError.malformedBody` with detail `invalid_percent_escape` or `invalid_utf8`;
    ///   `tooManyParameters` beyond `maxParameters` (parsing stops there).
    public static func parse(_ body: some Collection<UInt8>, maxParameters: Int = .max) throws(WebhookError) -> FormParameters {
        let result: Result<FormParameters, WebhookError>? = body.withContiguousStorageIfAvailable { buffer in
            Result { () throws(WebhookError) in try FormDecoder.parse(buffer, maxParameters: maxParameters) }
        }
        if let result { return try result.get() }
        let copy = Array(body)
        return try copy.withUnsafeBufferPointer { buffer throws(WebhookError) in
            try FormDecoder.parse(buffer, maxParameters: maxParameters)
        }
    }

    /// What the signature covers, as Twilio's helper libraries compute it (`sorted(set(names))`,
    /// each name's `sorted(set(values))`, by UTF-8 bytes): calls `body` once per distinct name in
    /// byte order with its distinct values in byte order (`.single` when one remains). The
    /// signature, the event id and the event's `params` are all built from this one form, so two
    /// requests that verify the same are the same event.
    func forEachCanonical(_ body: (_ name: String, _ values: StatusEvent.ParamValue) -> Void) {
        let all = parameters
        let (order, repeated) = sortedNames
        var position = 0
        while position < order.count {
            let name = all[order[position]].name
            var end = position + 1
            while repeated, end < order.count, UTF8Order.equal(all[order[end]].name, name) { end += 1 }
            if end == position + 1 {
                body(name, .single(all[order[position]].value))
            } else {
                var cost = UTF8Order.SortCost()
                let values = UTF8Order.sortedUnique(order[position..<end].map { all[$0].value }, cost: &cost)
                body(name, values.count == 1 ? .single(values[0]) : .multiple(values))
            }
            position = end
        }
    }

    /// Parses a query string (without the leading `?`) with the same rules as a form body.
    public static func parse(query: String) throws(WebhookError) -> FormParameters {
        try parse(Array(query.utf8))
    }
}
