extension SigningURL.Parts {
    /// The URL forms twilio-node tries besides twilio-python's two that differ from them only in
    /// the query (`QueryReencoding`): the URL without its port and with its port (the scheme's
    /// default when it has none), each with the query as `new URL()` encodes it, and with the
    /// query re-encoded by Node's `querystring`, without the port and, when the URL has a port
    /// other than the default, with it (`new URL()` drops a default port again). Forms equal to
    /// one already listed are left out, so a query with nothing to re-encode adds none.
    ///
    /// At most four forms, each at most 9× the URL's length. An explicit port 0 (twilio-python
    /// reads it as no port, `new URL()` keeps it) gets none: neither library would accept them both ways.
    func reencodedQueryForms(excluding tried: [[UInt8]]) -> [[UInt8]] {
        guard !query.isEmpty, port != 0 else { return [] }
        let encoded = QueryReencoding.whatwg(bytes[query])
        let legacy = QueryReencoding.legacy(bytes[query])
        guard encoded != nil || legacy != nil else { return [] }

        // The netloc up to the host's end (userinfo kept), and with a port.
        let hostEnd = port == nil ? netloc.upperBound : (bytes[hostStart..<netloc.upperBound].lastIndex(of: UInt8(ascii: ":")) ?? netloc.upperBound)
        let withoutPort = netloc.lowerBound..<hostEnd
        let portSuffix = port == nil ? (isHTTPS ? Self.https443 : Self.http80) : []
        let isDefaultPort = port == (isHTTPS ? 443 : 80)

        var forms = tried
        func add(_ form: [UInt8]) { if !forms.contains(form) { forms.append(form) } }
        if let encoded {
            add(assemble(netloc: withoutPort, query: encoded))
            add(assemble(netloc: netloc, appending: portSuffix, query: encoded))
        }
        // Node re-encodes the query `new URL()` gave; decoding undoes that encoding, so this is the same.
        let reencoded = legacy ?? Array(bytes[query])
        add(assemble(netloc: withoutPort, query: reencoded))
        if port != nil, !isDefaultPort { add(assemble(netloc: netloc, query: reencoded)) }
        return Array(forms.dropFirst(tried.count))
    }
}
