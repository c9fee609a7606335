import Testing
import CaseTrailCLI

@Suite struct HelpAndUsageTests {
    @Test func commandHelpFollowsTheArgumentParserLayout() {
        let out = cli(["agency", "add", "--help"])
        #expect(out.status == 0)
        #expect(out.stderr == "")
        #expect(out.stdout == """
        OVERVIEW: Add an agency that can own actions.

        USAGE: casetrail agency add <code> --name <name> [--alias <name> ...]

        ARGUMENTS:
          <code>                  A short code, e.g. MEDWAY-CSC.

        OPTIONS:
          --name <name>           The agency's name.
          --alias <name>          Another name it goes by in older reports. (can be repeated)
          -h, --help              Show help information.

        GLOBAL OPTIONS:
          --log <path>            The partnership's log: a file, or a postgresql:// URI (default: $CASETRAIL_LOG, else events/casetrail.jsonl).
          --actor <name>          Who is recording (default: $CASETRAIL_ACTOR, else your login name).
          --today <date>          Take this YYYY-MM-DD as today (default: $CASETRAIL_TODAY, else today in London).

        """)
    }

    @Test func helpSubcommandAndHelpFlagGiveTheSameText() {
        #expect(cli(["help", "agency", "add"]) == cli(["agency", "add", "--help"]))
        #expect(cli(["help", "verify"]) == cli(["-h", "verify"]))
    }

    @Test func rootHelpListsEveryCommand() {
        let out = cli(["--help"])
        #expect(out.status == 0)
        #expect(out.stdout.hasPrefix("OVERVIEW: Track child-safeguarding case reviews"))
        for command in ["init", "member add", "agency add", "agencies", "verify", "checkpoint", "history"] {
            #expect(out.stdout.contains("\n  \(command) "), "\(command)")
        }
        #expect(out.stdout.hasSuffix("\n  See 'casetrail help <subcommand>' for detailed help.\n"))
        #expect(cli([]) == out)
    }

    @Test func versionPrintsTheVersion() {
        #expect(cli(["--version"]) == Outcome(stdout: "\(CLI.version)\n", stderr: "", status: 0))
    }

    @Test func aMistypedOptionSuggestsTheRightOne() {
        #expect(cli(["agency", "add", "KP", "--nmae", "Kent Police"]) == Outcome(stdout: "", stderr: """
        Error: Unknown option '--nmae'. Did you mean '--name'?
        Usage: casetrail agency add <code> --name <name> [--alias <name> ...]
          See 'casetrail agency add --help' for more information.

        """, status: 64))
    }

    @Test func aMistypedCommandSuggestsTheRightOne() {
        #expect(cli(["verfy"]) == Outcome(stdout: "", stderr: """
        Error: Unknown command 'verfy'. Did you mean 'verify'?
        Usage: casetrail <subcommand> [options]
          See 'casetrail --help' for more information.

        """, status: 64))
        #expect(cli(["agency", "ad", "KP"]).stderr.hasPrefix("Error: Unknown subcommand 'agency ad'. Did you mean 'add'?\n"))
        #expect(cli(["agency"]).stderr.hasPrefix("Error: 'agency' needs a subcommand: add, alias.\n"))
        #expect(cli(["action", "sign-off", "X/R1/A1", "--stage", "exec"]).stderr.hasPrefix(
            "Error: 'exec' is not a value for '--stage'; use one of: learning-lessons, executive, board. Did you mean 'executive'?\n"))
    }

    @Test func missingArgumentsAndValuesAreUsageErrors() {
        #expect(cli(["agency", "add", "--name", "Kent Police"]).stderr.hasPrefix("Error: Missing expected argument '<code>'.\nUsage: casetrail agency add"))
        #expect(cli(["agency", "add", "KP"]).stderr.hasPrefix("Error: Missing expected argument '--name <name>'.\n"))
        #expect(cli(["agency", "add", "KP", "--name"]).stderr.hasPrefix("Error: Missing value for '--name <name>'.\n"))
        #expect(cli(["agency", "add", "KP", "XX", "--name", "K"]).stderr.hasPrefix("Error: Unexpected argument 'XX'.\n"))
        #expect(cli(["agency", "add", "KP", "--name", "K", "--name", "L"]).status == 64)
        #expect(cli(["agencies", "--format", "xml"]).stderr.hasPrefix("Error: 'xml' is not a format of 'agencies'; use one of: table, json, csv, md.\n"))
        #expect(cli(["agencies", "--as-of", "yesterday"]).status == 64)
        #expect(cli(["agency", "add", "KP", "--name", "K", "--today", "2023-02-30"]).stderr.hasPrefix("Error: '2023-02-30' is not a real date: February 2023 has 28 days (for '--today')."))
        #expect(cli(["agency", "add", "KP", "--name", "K", "--today", "2024-13-01"]).stderr.hasPrefix("Error: '2024-13-01' is not a real date: there is no month 13 (for '--today')."))
        #expect(cli(["agency", "add", "KP", "--name", "K", "--today", "31/03/2024"]).stderr.hasPrefix("Error: '31/03/2024' is not a date; write it as YYYY-MM-DD, e.g. 2023-03-31 (for '--today')."))
    }

    @Test func globalOptionsWorkBeforeOrAfterTheCommandWords() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("p.jsonl")
        #expect(cli(["--log", log, "init", "--partnership", "Medway", "--code", "MSCP"]).status == 0)
        #expect(cli(["--log=\(log)", "agency", "--actor", "ann", "add", "KP", "--name", "Kent Police"]).status == 0)
        #expect(cli(["agencies", "--format", "json", "--log", log]).stdout
            == #"{"agencies":[{"code":"KP","name":"Kent Police","aliases":[]}]}"# + "\n")
    }

    @Test func doubleDashEndsOptions() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("p.jsonl")
        _ = cli(["--log", log, "init", "--partnership", "Medway", "--code", "MSCP"])
        let out = cli(["--log", log, "agency", "alias", "--", "MSCP-X", "--odd name"])
        #expect(out.stderr == "Error: No agency 'MSCP-X'. See 'casetrail agencies' for the codes.\n")
        #expect(out.status == 1)
    }

    @Test func optionsOfOneCommandAreRejectedOnAnother() {
        #expect(cli(["agencies", "--checkpoint", "x"]).stderr.hasPrefix("Error: Unknown option '--checkpoint'."))
        #expect(cli(["init", "--as-of", "seq:3", "--partnership", "M", "--code", "M"]).stderr.hasPrefix("Error: Unknown option '--as-of'."))
    }
}
