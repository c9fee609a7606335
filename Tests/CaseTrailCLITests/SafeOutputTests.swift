import Foundation
import Testing
import CaseTrailCLI
import CaseTrailCore

/// Text stored in the log reaches terminals, spreadsheets and Markdown pages: there it must be
/// shown, never obeyed.
@Suite struct SafeOutputTests {
    /// A log whose agency, review and actions carry text that would act on their readers.
    func hostileLog(_ texts: [String]) throws -> (TemporaryDirectory, String) {
        let (dir, log) = try foundedLog()
        let steps: [[String]] = [
            ["agency", "add", "EVIL", "--name", "Evil\u{1B}]0;owned\u{07} <img src=x onerror=alert(1)> | agency"],
            ["review", "open", "MSCP-LLR-2023-01", "--kind", "llr", "--title", "Title \u{1B}[2J\u{202E}gnp.exe", "--on", "2023-03-01", "--today", "2023-03-01"],
            ["rec", "add", "MSCP-LLR-2023-01", "R1", "--text", "Share", "--on", "2023-03-01", "--today", "2023-03-01"],
        ] + texts.enumerated().map { i, text in
            ["action", "add", "MSCP-LLR-2023-01/R1", "A\(i + 1)", "--text", text, "--owner", "EVIL", "--lead", "L", "--due", "2023-09-30",
             "--on", "2023-03-01", "--today", "2023-03-01"]
        }
        for s in steps {
            let out = cli(s + ["--log", log])
            guard out.status == 0 else { throw Refused(text: out.stderr) }
        }
        return (dir, log)
    }

    let triggers = ["=HYPERLINK(\"http://example.org\",\"click\")", "+1+2", "-2+3", "@SUM(A1:A2)", "\tTabbed", "\rReturned", "Plain text"]

    @Test func spreadsheetFormulasInAnExportAreNeutralisedAsOWASPAdvises() throws {
        let (dir, log) = try hostileLog(triggers)
        defer { withExtendedLifetime(dir) {} }
        let csv = cli(["export", "--format", "csv", "--log", log]).stdout
        #expect(csv.contains(",\"'=HYPERLINK(\"\"http://example.org\"\",\"\"click\"\")\","))
        for cell in [",'+1+2,", ",'-2+3,", ",'@SUM(A1:A2),", ",'\tTabbed,", ",\"'\rReturned\",", ",Plain text,"] {
            #expect(csv.contains(cell), "\(cell)")
        }
        // No cell, quoted or not, starts with a formula's first character.
        for trigger in ["=", "+", "-", "@"] {
            #expect(!csv.contains("," + trigger) && !csv.contains(",\"" + trigger), "\(trigger)")
        }
        #expect(cli(["outstanding", "--format", "csv", "--log", log]).stdout.contains(",\"'=HYPERLINK"))
    }

    @Test func controlCharactersInTablesAndErrorsAreShownNotObeyed() throws {
        let (dir, log) = try hostileLog(["Text\u{1B}[8mhidden\u{1B}[0m", "Line one\nline two", "Bell\u{07}"])
        defer { withExtendedLifetime(dir) {} }
        for args in [["agencies"], ["outstanding"], ["reviews"], ["show", "MSCP-LLR-2023-01"], ["show", "MSCP-LLR-2023-01/R1/A1"],
                     ["history", "MSCP-LLR-2023-01"], ["outstanding", "--format", "md"], ["show", "MSCP-LLR-2023-01", "--format", "md"]] {
            let out = cli(args + ["--log", log])
            #expect(out.status == 0, "\(args)")
            let acting = out.stdout.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || $0 == "\u{202E}" }
            #expect(acting.isEmpty, "\(args): \(acting.map(\.value))")
        }
        #expect(cli(["agencies", "--log", log]).stdout.contains("Evil\\u{1B}]0;owned\\u{7} <img"))
        #expect(cli(["reviews", "--log", log]).stdout.contains("Title \\u{1B}[2J\\u{202E}gnp.exe"))
        #expect(cli(["outstanding", "--log", log]).stdout.contains("Line one\\u{A}line two"))
        let refused = cli(["show", "NOPE\u{1B}[2J", "--log", log])
        #expect(refused.status == 1)
        #expect(refused.stderr == "Error: No review or action 'NOPE\\u{1B}[2J'. See 'casetrail reviews' or 'casetrail outstanding'.\n")
        let usage = cli(["outstanding", "--group-by", "x\u{1B}[2J", "--log", log])
        #expect(usage.status == 64 && !usage.stderr.contains("\u{1B}"))
    }

    /// Whether some `<` in Markdown is not backslash-escaped (and so could open an HTML tag).
    func hasRawTag(_ md: String) -> Bool {
        var previous: Character = " "
        for c in md {
            if c == "<" && previous != "\\" { return true }
            previous = c
        }
        return false
    }

    @Test func markdownEscapesWhatWouldBecomeHTMLOrStructure() throws {
        let (dir, log) = try hostileLog(["<script>alert(1)</script> | *bold* [link](http://x)\n# heading"])
        defer { withExtendedLifetime(dir) {} }
        let md = cli(["outstanding", "--format", "md", "--log", log]).stdout
        #expect(!hasRawTag(md) && md.contains("\\<script\\>alert(1)\\</script\\>"))
        #expect(md.contains("\\| \\*bold\\* \\[link\\](http://x) \\# heading"))
        #expect(md.split(separator: "\n").count == 3, "one row, its line break made a space")
        let show = cli(["show", "MSCP-LLR-2023-01", "--format", "md", "--log", log]).stdout
        #expect(!hasRawTag(show) && show.contains("Title \\\\u{1B}\\[2J"))
        let report = cli(["report", "annual", "--year", "2022-23", "--log", log]).stdout
        #expect(report.contains(#"Evil\\u{1B}\]0;owned"#) && !hasRawTag(report))
    }

    @Test func jsonOutputEscapesInvisibleCharactersAndStillReadsBackTheSame() throws {
        let (dir, log) = try hostileLog(["Right\u{202E}to left\u{7F}\u{85}"])
        defer { withExtendedLifetime(dir) {} }
        let json = cli(["outstanding", "--format", "json", "--log", log]).stdout
        #expect(json.contains("Right\\u202eto left\\u007f\\u0085"))
        #expect(!json.unicodeScalars.contains { $0 == "\u{202E}" || $0 == "\u{7F}" || $0 == "\u{85}" })
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let items = object?["items"] as? [[String: Any]]
        #expect(items?.first?["text"] as? String == "Right\u{202E}to left\u{7F}\u{85}")
    }
}
