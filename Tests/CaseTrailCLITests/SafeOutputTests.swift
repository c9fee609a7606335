import Foundation
import Testing
import CaseTrailCLI
import CaseTrailCore
@testable import CaseTrailStore

/// Text stored in the log reaches terminals, spreadsheets and Markdown pages: there it must be
/// shown, never obeyed.
@Suite struct SafeOutputTests {
    /// A log whose agency, review and actions carry text that would act on their readers. The CLI
    /// refuses such text now, so it is written straight into the log, as an older casetrail or a
    /// program writing the file could have (the lines are still ones the rules allow the admin).
    func hostileLog(_ texts: [String]) throws -> (TemporaryDirectory, String) {
        let (dir, log) = try foundedLog()
        let ref = "MSCP-LLR-2023-01", on = LocalDate("2023-03-01")!
        var commands: [[Event]] = [
            [.agencyAdded(code: "EVIL", name: "Evil\u{1B}]0;owned\u{07} <img src=x onerror=alert(1)> | agency", aliases: [])],
            [.reviewOpened(ref: ref, kind: .llr, title: "Title \u{1B}[2J\u{202E}gnp.exe", on: on, from: nil, initiatedOn: nil)],
            [.recommendationAdded(ref: ref, rec: "R1", text: "Share", on: on)],
        ]
        commands += texts.enumerated().map { i, text in
            [.actionAdded(action: "\(ref)/R1/A\(i + 1)", text: text, owner: "EVIL", lead: "L", due: LocalDate("2023-09-30")!, dueText: nil,
                          success: nil, on: on)]
        }
        for events in commands { try EventLog(path: log).appendBypassingRules(events, actor: "ann", now: t0) }
        #expect(cli(["verify", "--log", log]).status == 0, "history the rules allow")
        return (dir, log)
    }

    @Test func controlCharactersAreRefusedAtTheCommandLineNamingTheOption() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        let out = cli(["agency", "add", "X", "--name", "Evil\u{1B}[2J", "--log", log])
        #expect(out.status == 64)
        #expect(out.stderr.hasPrefix("Error: The value of '--name' holds a control character (U+001B); type the text without it.\n"))
        #expect(cli(["agency", "add", "X\u{7}", "--name", "X", "--log", log]).stderr.hasPrefix("Error: The value of <code> holds a control character (U+0007)"))
        #expect(cli(["agency", "add", "X", "--name", "Bare\rreturn", "--log", log]).status == 64)
        #expect(cli(["agency", "add", "X", "--name", "Tab\tand CR LF\r\nare text", "--log", log]).status == 0)
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
        // An error that quotes stored text shows it escaped too.
        let refused = cli(["review", "open", "MSCP-LLR-2023-01", "--kind", "audit", "--title", "Again", "--log", log])
        #expect(refused.status == 1)
        #expect(refused.stderr == "Error: The reference MSCP-LLR-2023-01 is already used by learning lessons review 'Title \\u{1B}[2J\\u{202E}gnp.exe'. Choose another.\n")
        let usage = cli(["outstanding", "--group-by", "x\u{1B}[2J", "--log", log])
        #expect(usage.status == 64 && !usage.stderr.contains("\u{1B}"))
    }

    /// Whether some `<` byte in Markdown is not backslash-escaped (and so could open an HTML tag),
    /// a `<` carrying a combining mark included.
    func hasRawTag(_ md: String) -> Bool {
        var previous: UInt8 = 0x20
        for b in md.utf8 {
            if b == 0x3C && previous != 0x5C { return true }
            previous = b
        }
        return false
    }

    @Test func markdownEscapesWhatWouldBecomeHTMLOrStructure() throws {
        let (dir, log) = try hostileLog(["<script>alert(1)</script> | *bold* [link](http://x)\n# heading <\u{338}b>"])
        defer { withExtendedLifetime(dir) {} }
        let md = cli(["outstanding", "--format", "md", "--log", log]).stdout
        #expect(!hasRawTag(md) && md.contains("\\<script\\>alert(1)\\</script\\>"))
        #expect(md.contains("\\| \\*bold\\* \\[link\\](http://x) \\# heading \\<\u{338}b\\>"))
        let paper = cli(["report", "meeting", "--for", "executive", "--today", "2023-12-01", "--log", log]).stdout
        #expect(!hasRawTag(paper) && paper.contains("\\<script\\>alert(1)\\</script\\>"))
        let html = cli(["report", "meeting", "--for", "executive", "--today", "2023-12-01", "--format", "html", "--log", log]).stdout
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && html.contains("heading &lt;\u{338}b&gt;") && !html.contains("<script"))
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

@Suite struct InvalidTextTests {
    @Test func bytesThatAreNotUTF8AreRefusedNamingTheOptionNotRepaired() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        let before = readBytes(log)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", "\"$0\" agency add X --name $'caf\\xe9 latin-1' --log \"$1\"", binary, log]
        p.environment = ProcessInfo.processInfo.environment.merging(["CASETRAIL_WITNESS": "off"]) { $1 }
        let err = Pipe()
        p.standardError = err
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 64)
        #expect(text.hasPrefix("Error: The value of '--name' is not valid UTF-8 text; type it again, or save it as UTF-8, and try once more."))
        #expect(readBytes(log) == before)
    }

    @Test func textMadeOnlyOfInvisibleCharactersIsNoText() {
        let (dir, log) = try! foundedLog()
        defer { withExtendedLifetime(dir) {} }
        for invisible in ["\u{200B}", " \u{200B}\u{FEFF} ", "\u{200E}", "\u{2060}"] {
            let out = cli(["agency", "add", "X", "--name", invisible, "--log", log])
            #expect(out.stderr == "Error: The agency name is empty; give some text.\n", "\(invisible.unicodeScalars.map(\.value))")
        }
        #expect(cli(["agency", "add", "X", "--name", "\u{200B}Visible", "--log", log]).status == 0)
    }
}
