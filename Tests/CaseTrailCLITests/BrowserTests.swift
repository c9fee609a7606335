import Foundation
import Testing
import CaseTrailCLI
import CaseTrailStore
import CaseTrailTestSupport

/// Headless Chromium, when installed (`CASETRAIL_CHROMIUM`, else `chromium`, `chromium-browser` or
/// `google-chrome` on PATH): the HTML papers as a browser renders and prints them.
enum Chromium {
    static let path: String? = {
        let env = ProcessInfo.processInfo.environment
        if let set = env["CASETRAIL_CHROMIUM"], !set.isEmpty { return set }
        for dir in (env["PATH"] ?? "/usr/bin").split(separator: ":") {
            for name in ["chromium", "chromium-browser", "google-chrome"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return "\(dir)/\(name)"
            }
        }
        return nil
    }()

    /// Runs the browser headless with a profile of its own in `dir`, returning what it printed.
    static func run(_ args: [String], in dir: TemporaryDirectory) throws -> (stdout: String, status: Int32) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path!)
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(dir.path("profile"))"] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), p.terminationStatus)
    }

    /// Put into the page's head: once it has loaded, what a reader would notice, as JSON in a `pre`.
    static let check = """
    <script>
    window.__errors = [];
    window.addEventListener('error', e => window.__errors.push(String(e.message)));
    window.addEventListener('load', () => {
      const cut = [];
      for (const el of document.body.querySelectorAll('*')) {
        const s = getComputedStyle(el);
        const clips = ['hidden', 'clip'].includes(s.overflowX) || ['hidden', 'clip'].includes(s.overflowY) || s.textOverflow === 'ellipsis';
        if (clips && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)) cut.push(el.tagName + ': ' + el.textContent.slice(0, 60));
      }
      const footer = document.getElementById('checkpoint');
      const box = footer ? footer.getBoundingClientRect() : null;
      const shown = footer && box.width > 0 && box.height > 0 && getComputedStyle(footer).visibility === 'visible' && getComputedStyle(footer).display !== 'none';
      const pre = document.createElement('pre');
      pre.id = 'casetrail-browser-check';
      pre.textContent = JSON.stringify({
        errors: window.__errors, cut: cut, quirks: document.compatMode !== 'CSS1Compat',
        headings: [...document.querySelectorAll('h2')].map(h => h.textContent),
        wider: document.documentElement.scrollWidth > window.innerWidth + 1,
        checkpoint: shown ? footer.textContent : null,
        scripts: document.querySelectorAll('script').length - 1
      });
      document.body.appendChild(pre);
    });
    </script>
    """

    /// What the page showed once rendered, read back from the dumped DOM.
    static func rendered(_ html: String, in dir: TemporaryDirectory) throws -> JSONValue {
        let file = dir.path("checked.html")
        try html.replacingOccurrences(of: "<head>", with: "<head>" + check, options: [], range: html.range(of: "<head>"))
            .write(toFile: file, atomically: true, encoding: .utf8)
        let dom = try run(["--virtual-time-budget=5000", "--dump-dom", URL(fileURLWithPath: file).absoluteString], in: dir).stdout
        guard let start = dom.range(of: "<pre id=\"casetrail-browser-check\">"), let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex) else {
            return .null
        }
        let text = String(dom[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        return try JSONValue.parse(text)
    }

    /// Prints the page to PDF as a reader would on A4 paper, returning the PDF's bytes.
    static func printed(_ html: String, in dir: TemporaryDirectory) throws -> String {
        let file = dir.path("paper.html"), pdf = dir.path("paper.pdf")
        try html.write(toFile: file, atomically: true, encoding: .utf8)
        _ = try run(["--no-pdf-header-footer", "--print-to-pdf=\(pdf)", URL(fileURLWithPath: file).absoluteString], in: dir)
        return String(decoding: readBytes(pdf), as: UTF8.self)
    }

    /// A PDF's pages: its page objects, not the page-tree nodes above them.
    static func pages(_ pdf: String) -> Int {
        pdf.components(separatedBy: "/Type /Page").count - pdf.components(separatedBy: "/Type /Pages").count
    }
}

@Suite(.enabled(if: Chromium.path != nil)) struct BrowserTests {
    func demo(_ dir: TemporaryDirectory) throws -> String {
        let log = dir.path("demo.jsonl")
        try FileManager.default.copyItem(atPath: DemoLogTests.demo, toPath: log)
        return log
    }

    func expectReadable(_ page: JSONValue, headings: [String], file: String) {
        #expect(page != .null, "\(file): the check did not run in the browser")
        #expect(page["errors"] == .array([]), "\(file): script errors")
        #expect(page["scripts"] == 0, "\(file): the paper carries a script")
        #expect(page["quirks"] == false, "\(file): rendered in quirks mode")
        #expect(page["cut"] == .array([]), "\(file): text cut off")
        #expect(page["wider"] == false, "\(file): wider than the window")
        #expect(page["checkpoint"]?.stringValue?.hasPrefix("casetrail-checkpoint MSCP seq=") == true, "\(file): no visible checkpoint")
        let shown = page["headings"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for h in headings { #expect(shown.contains { $0.hasPrefix(h) }, "\(file): no section '\(h)' in \(shown)") }
    }

    @Test func theMeetingPaperRendersWholeAndPrintsOnA4() throws {
        let dir = try TemporaryDirectory()
        let html = cli(["report", "meeting", "--for", "executive", "--since", "2023-03-01", "--today", "2023-06-14", "--format", "html",
                        "--log", try demo(dir)]).stdout
        expectReadable(try Chromium.rendered(html, in: dir), headings: ["1. What changed", "2. Awaiting the Executive's sign-off", "3. Overdue",
                                                                       "4. Due in the next 60 days", "5. Implemented with no evidence of impact",
                                                                       "6. Statutory clocks", "7. Recommendations with no response"], file: "meeting paper")
        let pdf = try Chromium.printed(html, in: dir)
        #expect(pdf.hasPrefix("%PDF-"))
        #expect(pdf.contains("/MediaBox [0 0 594.95996 841.91998]") || pdf.contains("/MediaBox [0 0 595"), "not A4")
        // Seventeen overdue actions and the rest, each whole on its page: more than a page, far fewer than one each.
        let pages = Chromium.pages(pdf)
        #expect((3...30).contains(pages), "\(pages) pages")
    }

    @Test func theAnnualReportRendersWholeAndPrintsOnA4() throws {
        let dir = try TemporaryDirectory()
        let html = cli(["report", "annual", "--year", "2022-23", "--format", "html", "--today", "2023-06-14", "--log", try demo(dir)]).stdout
        expectReadable(try Chromium.rendered(html, in: dir), headings: ["Serious incidents and rapid reviews", "Reviews started and published",
                                                                       "Outstanding actions at each month end", "Outstanding at 31 March by agency",
                                                                       "Statutory timescales"], file: "annual report")
        let pages = Chromium.pages(try Chromium.printed(html, in: dir))
        #expect((1...12).contains(pages), "\(pages) pages")
    }
}

@Suite struct BrowserAvailabilityTests {
    /// CI installs Chromium and sets CASETRAIL_REQUIRE_COMPONENTS=1: there, skipped browser checks are a failure.
    @Test func theBrowserChecksRunWhereverComponentsAreRequired() {
        let required = ProcessInfo.processInfo.environment["CASETRAIL_REQUIRE_COMPONENTS"] == "1"
        #expect(!required || Chromium.path != nil, "CASETRAIL_REQUIRE_COMPONENTS=1 but Chromium is not installed (apt-get install -y chromium)")
    }
}
