import Consumer
import Foundation
import Logging
import Operations
import Testing
import TestSupport

/// The HTML report: self-contained, with non-empty SVG charts, checked in the HTML and in a PNG
/// rendered by Debian's headless Chromium.
@Suite("Delivery report HTML")
struct ReportHTMLTests {
    /// Decodes a PNG (8-bit RGB/RGBA, non-interlaced, as Chromium writes) with zlib only and counts
    /// pixels close to each given color, and all non-white pixels. Prints one JSON object.
    static let pixelCounter = #"""
        import json, struct, sys, zlib
        path, colors = sys.argv[1], sys.argv[2:]
        data = open(path, "rb").read()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
        pos, idat, width, height, depth, ctype, interlace = 8, b"", 0, 0, 0, 0, 0
        while pos < len(data):
            length, kind = struct.unpack(">I4s", data[pos:pos + 8])
            body = data[pos + 8:pos + 8 + length]
            if kind == b"IHDR":
                width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            elif kind == b"IDAT":
                idat += body
            pos += 12 + length
        assert depth == 8 and ctype in (2, 6) and interlace == 0, (depth, ctype, interlace)
        bpp = 4 if ctype == 6 else 3
        raw = zlib.decompress(idat)
        stride = width * bpp
        rows, prev, i = [], bytearray(stride), 0
        for _ in range(height):
            f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b = prev[x]
                c = prev[x - bpp] if x >= bpp else 0
                if f == 1: line[x] = (line[x] + a) & 255
                elif f == 2: line[x] = (line[x] + b) & 255
                elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
                elif f == 4:
                    p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            rows.append(line); prev = line
        targets = [tuple(int(h[k:k + 2], 16) for k in (1, 3, 5)) for h in colors]
        counts, nonwhite = [0] * len(targets), 0
        for line in rows:
            for x in range(0, stride, bpp):
                r, g, b = line[x], line[x + 1], line[x + 2]
                if r < 245 or g < 245 or b < 245: nonwhite += 1
                for k, (tr, tg, tb) in enumerate(targets):
                    if abs(r - tr) <= 6 and abs(g - tg) <= 6 and abs(b - tb) <= 6: counts[k] += 1
        print(json.dumps({"width": width, "height": height, "nonwhite": nonwhite, "colors": dict(zip(colors, counts))}))
        """#

    struct PixelCounts: Decodable {
        var width: Int
        var height: Int
        var nonwhite: Int
        var colors: [String: Int]
    }

    /// `<rect … width="W" height="H"` inside the `<svg id="id">` element.
    static func rects(in html: String, chart id: String) -> [(width: Double, height: Double)] {
        guard let start = html.range(of: "<svg class=\"chart\" id=\"\(id)\""),
            let end = html.range(of: "</svg>", range: start.upperBound..<html.endIndex)
        else { return [] }
        let svg = String(html[start.lowerBound..<end.upperBound])
        let pattern = try! NSRegularExpression(pattern: #"<rect [^>]*width="([0-9.]+)" height="([0-9.]+)""#)
        return pattern.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)).map { match in
            (Double(svg[Range(match.range(at: 1), in: svg)!])!, Double(svg[Range(match.range(at: 2), in: svg)!])!)
        }
    }

    @Test("charts are present, non-empty, self-contained, and render in headless Chromium")
    func htmlRendersCharts() async throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("report-html")
        let url = "sqlite:" + (directory as NSString).appendingPathComponent("sink.db")
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let sink = try SinkFactory.makeSink(url: url, configuration: SinkFactory.Configuration(), logger: Logger(label: "test"))
        try await sink.start()
        _ = try await ReportFixture(messages: 4_000, start: now - 20 * 3_600_000, spanMilliseconds: 18 * 3_600_000, seed: 3).write(to: sink)
        try await sink.shutdown()
        let report = try await DeliveryReportGenerator.generate(
            configuration: ReportConfiguration(sink: url, since: now - 24 * 3_600_000, bucket: .hour, now: now),
            logger: Logger(label: "test")
        )
        let html = HTMLReportRenderer.render(report)

        // Self-contained: no scripts, no external resources.
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") && !html.contains("https://") || !html.contains("src="))
        #expect(!html.contains("@font-face") && !html.contains("<link"))
        for chart in ["status-mix", "latency-histogram", "error-codes"] {
            let rects = Self.rects(in: html, chart: chart).filter { $0.width > 0 && $0.height > 0 }
            #expect(rects.count >= 5, "chart \(chart) has \(rects.count) non-empty bars")
        }
        #expect(html.contains("unreachable destination handset"))

        let htmlPath = (directory as NSString).appendingPathComponent("report.html")
        try html.write(toFile: htmlPath, atomically: true, encoding: .utf8)
        let pngPath = (directory as NSString).appendingPathComponent("report.png")
        let chromium = try ChildProcess(
            "/usr/bin/chromium",
            arguments: [
                "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--screenshot=\(pngPath)",
                "--window-size=1200,2000", "--user-data-dir=\(directory)/chromium-profile", "file://\(htmlPath)",
            ],
            environment: ["HOME": directory]
        )
        let status = try await chromium.waitForExit(timeout: .seconds(120))
        #expect(status == .exited(0), "\(chromium.output().suffix(2000))")
        #expect(FileManager.default.fileExists(atPath: pngPath))

        let script = (directory as NSString).appendingPathComponent("count_pixels.py")
        try Self.pixelCounter.write(toFile: script, atomically: true, encoding: .utf8)
        let colors = [
            "#2e9e5b",  // delivered (status mix)
            "#e67e22",  // undelivered (status mix)
            "#3b6fd6",  // sent→delivered histogram
            "#8e44ad",  // error codes
        ]
        let counter = try ChildProcess(try TestEnvironment.python, arguments: [script, pngPath] + colors)
        #expect(try await counter.waitForExit(timeout: .seconds(120)) == .exited(0), "\(counter.output().suffix(2000))")
        let json = counter.output().split(separator: "\n").last { $0.hasPrefix("{") }.map(String.init) ?? ""
        let counts = try JSONDecoder().decode(PixelCounts.self, from: Data(json.utf8))
        #expect(counts.width == 1200 && counts.height == 2000)
        #expect(counts.nonwhite > 100_000)
        for color in colors {
            #expect((counts.colors[color] ?? 0) > 1_000, "only \(counts.colors[color] ?? 0) pixels of \(color)")
        }
    }

    /// The page's width in headless Chromium at a window width: a script appended to a copy of the
    /// report writes `scrollWidth/innerWidth` into the DOM, which `--dump-dom` prints.
    static func pageWidth(_ html: String, window: Int, directory: String) async throws -> (scroll: Int, inner: Int) {
        let path = (directory as NSString).appendingPathComponent("fit-\(window).html")
        let probe = "<script>document.body.setAttribute('data-fit', document.documentElement.scrollWidth + '/' + window.innerWidth)</script></body>"
        try html.replacingOccurrences(of: "</body>", with: probe).write(toFile: path, atomically: true, encoding: .utf8)
        let chromium = try ChildProcess(
            "/usr/bin/chromium",
            arguments: [
                "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--dump-dom", "--window-size=\(window),900",
                "--user-data-dir=\(directory)/chromium-profile", "file://\(path)",
            ],
            environment: ["HOME": directory]
        )
        #expect(try await chromium.waitForExit(timeout: .seconds(120)) == .exited(0), "\(chromium.output().suffix(2000))")
        let output = chromium.output()
        guard let start = output.range(of: "data-fit=\""), let end = output[start.upperBound...].firstIndex(of: "\"") else {
            Issue.record("no data-fit in Chromium's DOM: \(output.suffix(500))")
            return (0, 0)
        }
        let parts = output[start.upperBound..<end].split(separator: "/").compactMap { Int($0) }
        return (parts.first ?? 0, parts.last ?? 0)
    }

    @Test("the page fits a 1400 px window and a phone width; wide tables scroll in their own box")
    func pageFitsWindow() async throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("report-fit")
        let url = "sqlite:" + (directory as NSString).appendingPathComponent("sink.db")
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let sink = try SinkFactory.makeSink(url: url, configuration: SinkFactory.Configuration(), logger: Logger(label: "test"))
        try await sink.start()
        _ = try await ReportFixture(messages: 300, start: now - 20 * 3_600_000, spanMilliseconds: 18 * 3_600_000, seed: 5).write(to: sink)
        try await sink.shutdown()
        let report = try await DeliveryReportGenerator.generate(
            configuration: ReportConfiguration(sink: url, since: now - 24 * 3_600_000, bucket: .hour, now: now),
            logger: Logger(label: "test")
        )
        let html = HTMLReportRenderer.render(report)
        #expect(html.contains("MG"), "the fixture has messaging services (the widest column)")
        for window in [1400, 390] {
            let width = try await Self.pageWidth(html, window: window, directory: directory)
            #expect(width.inner > 0 && width.scroll <= width.inner, "at \(window) px the page is \(width.scroll) px wide for a \(width.inner) px window")
        }
    }
}
