import Foundation
import Testing
import CaseTrailCLI
import CaseTrailCore
@testable import CaseTrailStore

@Suite struct ReportAndExportTests {
    @Test func theAnnualReportEndsWithTheCheckpoint() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        let checkpoint = cli(["checkpoint", "--log", log]).stdout
        let md = cli(["report", "annual", "--year", "2022-23", "--log", log, "--today", "2023-04-10"])
        #expect(md.status == 0)
        #expect(md.stdout.hasPrefix("# Learning and improvement 2022-23\n"))
        #expect(md.stdout.contains("| Notifications to the National Panel | 1 |"))
        #expect(md.stdout.contains("| Outstanding at 31 March 2023 | 2 |"))
        #expect(md.stdout.hasSuffix("`\(checkpoint.trimmedNewline)`\n"))
        let json = try JSONValue.parse(cli(["report", "annual", "--year", "2022-23", "--log", log, "--format", "json", "--today", "2023-04-10"]).stdout)
        #expect(json["overdue_at_year_end"] == 0)
        #expect(json["checkpoint"]?.stringValue == checkpoint.trimmedNewline)
        #expect(cli(["report", "annual", "--year", "2022/23", "--log", log]).status == 64)
        #expect(cli(["report", "annual", "--year", "2022-23", "--format", "csv", "--log", log]).status == 64)
    }

    @Test func theHTMLReportIsOneSelfContainedFile() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        let html = cli(["report", "annual", "--year", "2022-23", "--format", "html", "--log", log, "--today", "2023-04-10"]).stdout
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en-GB\">"))
        #expect(html.hasSuffix("</body></html>\n"))
        #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(html.contains("aria-label=\"Outstanding actions at each month end\""))
        #expect(html.contains("aria-label=\"Outstanding actions by agency\""))
        // Nothing to fetch: no scripts, stylesheets, images or fonts from elsewhere.
        for forbidden in ["<script", "<link", "<img", "src=", "@import", "url("] { #expect(!html.contains(forbidden), "\(forbidden)") }
        let withoutNamespace = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        #expect(!withoutNamespace.contains("http"))
        #expect(html.contains("casetrail-checkpoint MSCP seq="))
    }

    @Test func exportGivesOneRFC4180RowPerAction() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        _ = cli(["action", "update", "MSCP-LCSPR-2023-01/R1/A1", "--note", "Booked, with \"refresher\" sessions\nfor all", "--log", log, "--today", "2023-04-02"])
        let csv = cli(["export", "--log", log, "--today", "2023-04-10"]).stdout
        let rows = csv.components(separatedBy: "\r\n")
        #expect(rows[0].hasPrefix("action,review,recommendation,text,owner,lead,agreed,original_due,due"))
        #expect(rows.count == 4)   // header, two actions, and the empty string after the last CRLF
        #expect(rows[1].contains(#","Booked, with ""refresher"" sessions"#))
        #expect(rows[1].contains("for all\","))
        // A note pasted from Windows, with a CR LF and nothing else needing quotes, is still quoted.
        _ = cli(["action", "update", "MSCP-LCSPR-2023-01/R1/A2", "--note", "Line one\r\nline two", "--log", log, "--today", "2023-04-03"])
        #expect(cli(["export", "--log", log, "--today", "2023-04-10"]).stdout.contains(",\"Line one\r\nline two\","))
        let json = try JSONValue.parse(cli(["export", "--format", "json", "--log", log, "--today", "2023-04-10"]).stdout)
        #expect(json["count"] == 2)
        #expect(json["actions"]!.arrayValue![1]["days_overdue"] == 10)
    }

    @Test func asOfReproducesAnEarlierAnswerByteForByte() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        let meeting = t0.adding(milliseconds: 3_600_000)
        let papers = cli(["outstanding", "--log", log, "--today", "2023-04-10"], now: meeting)
        // Later that week the business unit records progress and a new action.
        let later = t0.adding(milliseconds: 3 * 86_400_000)
        _ = cli(["action", "implemented", "MSCP-LCSPR-2023-01/R1/A2", "--on", "2023-04-11", "--evidence", "Audit done", "--log", log, "--today", "2023-04-12"], now: later)
        _ = cli(["action", "add", "MSCP-LCSPR-2023-01/R1", "A3", "--text", "New", "--owner", "KP", "--lead", "x", "--due", "2023-09-01",
                 "--log", log, "--today", "2023-04-12"], now: later)
        #expect(cli(["outstanding", "--log", log, "--today", "2023-04-10"]) != papers)
        let replayed = cli(["outstanding", "--log", log, "--today", "2023-04-10", "--as-of", meeting.description])
        #expect(replayed == papers)
        #expect(cli(["outstanding", "--log", log, "--today", "2023-04-10", "--as-of", "2023-04-03"]) == papers)
    }

    @Test func everyQueryAcceptsAsOf() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        for query in CommandCatalogue.queries where query != ["verify"] && query != ["show"] {
            let out = cli(query + ["--as-of", "seq:12", "--log", log] + (query == ["due"] ? ["--within", "30"] : [])
                          + (query == ["calendar", "show"] ? ["2023"] : []))
            #expect(out.status == 0, "\(query): \(out.stderr)")
        }
        #expect(cli(["show", "MSCP-RR-2022-01", "--as-of", "seq:12", "--log", log, "--format", "json"]).stdout.contains(#""status":"completed""#))
        #expect(cli(["show", "MSCP-LCSPR-2023-01", "--as-of", "seq:12", "--log", log]).stderr.hasPrefix("Error: No review or action"))
        #expect(cli(["checkpoint", "--as-of", "seq:12", "--log", log]).stdout.hasPrefix("casetrail-checkpoint MSCP seq=12 sha256="))
    }
}
