import CaseTrailApp
import CaseTrailCore
import CaseTrailStore

/// What the outside world lends a run: environment, clock and login name. Tests pass fixed ones.
public struct Context: Sendable {
    public var environment: [String: String]
    public var now: @Sendable () -> Timestamp
    public var loginName: String
    /// Set by a process that exits straight after the run: the replayed state is then left for the
    /// OS to reclaim instead of being freed object by object (a large log's state takes a while to free).
    public var exitsAfterRun: Bool
    /// How many columns the terminal stdout goes to shows; nil when stdout is not a terminal, so
    /// tables keep every cell whole on one line.
    public var terminalWidth: Int?

    public init(environment: [String: String], now: @escaping @Sendable () -> Timestamp, loginName: String, exitsAfterRun: Bool = false,
                terminalWidth: Int? = nil) {
        self.terminalWidth = terminalWidth
        self.environment = environment
        self.now = now
        self.loginName = loginName
        self.exitsAfterRun = exitsAfterRun
    }
}

/// The result of a run: what goes to stdout, to stderr, and the exit status.
public struct Outcome: Equatable, Sendable {
    public var stdout: String
    public var stderr: String
    public var status: Int32

    public init(stdout: String, stderr: String, status: Int32) {
        self.stdout = stdout
        self.stderr = stderr
        self.status = status
    }
}

/// Exit statuses (PRODUCT.md "Command line").
public enum ExitStatus {
    public static let success: Int32 = 0
    public static let refused: Int32 = 1
    public static let integrity: Int32 = 3
    public static let usage: Int32 = 64
}

/// A command that cannot go ahead for a reason outside the domain rules (exit 1).
struct Refusal: Error {
    var message: String
}

/// A command refused after working out a report worth reading (an import's problems, row by row):
/// the report goes to stdout, the one-line error to stderr, and the status is 1.
struct RefusalWithReport: Error {
    var stdout: String
    var message: String
}

/// Notes for stderr collected while a command runs.
final class Notes: @unchecked Sendable {
    var lines: [String] = []
}

public enum CLI {
    public static let version = "0.1.0"

    /// As `run(_:context:)` for arguments as the process received them: nil where one is not UTF-8,
    /// which is refused naming the option it belongs to, rather than recorded with replacement characters.
    public static func run(arguments: [String?], context: Context) -> Outcome {
        if let bad = arguments.firstIndex(where: { $0 == nil }) {
            let option = bad > 0 ? arguments[bad - 1].flatMap { $0.hasPrefix("--") ? "'\($0)'" : nil } : nil
            let message = "The value of \(option ?? "argument \(bad + 1)") is not valid UTF-8 text; type it again, or save it as UTF-8, and try once more."
            return Outcome(stdout: "", stderr: Help.usageError(UsageError(message: message, command: nil), commands: Commands.all), status: ExitStatus.usage)
        }
        return run(arguments.compactMap { $0 }, context: context)
    }

    /// Runs one command line (without the program name) and returns what to print and the status.
    public static func run(_ args: [String], context: Context) -> Outcome {
        let parser = ArgumentParser(commands: Commands.all, globals: Globals.options)
        let parsed: ParsedLine
        do {
            parsed = try parser.parse(args)
        } catch {
            return Outcome(stdout: "", stderr: Help.usageError(error, commands: Commands.all), status: ExitStatus.usage)
        }
        switch parsed.request {
        case .version:
            return Outcome(stdout: version + "\n", stderr: "", status: ExitStatus.success)
        case .help(let words):
            if words.isEmpty {
                return Outcome(stdout: Help.root(commands: Commands.all, globals: Globals.options), stderr: "", status: 0)
            }
            if let spec = Commands.all.first(where: { $0.words == words }) {
                return Outcome(stdout: Help.command(spec, globals: Globals.options), stderr: "", status: 0)
            }
            return Outcome(stdout: Help.group(words, commands: Commands.all), stderr: "", status: 0)
        case .run(let spec):
            let first = run(spec, parsed, context, snapshots: true)
            // A snapshot row that could not be read may have changed that answer: work it out again from the log.
            // (A command that records decides again itself before writing anything, so this only repeats a read.)
            return first.snapshotWasDamaged ? run(spec, parsed, context, snapshots: false).outcome : first.outcome
        }
    }

    private static func run(_ spec: CommandSpec, _ parsed: ParsedLine, _ context: Context, snapshots: Bool) -> (outcome: Outcome, snapshotWasDamaged: Bool) {
        let notes = Notes()
        let invocation = Invocation(line: parsed, spec: spec, context: context, notes: notes, snapshots: snapshots)
        let outcome = outcome(of: invocation, notes: notes)
        return (outcome, invocation.ledger.snapshotWasDamaged())
    }

    /// The outcome with stored text made safe for a terminal: every error and note, and the output
    /// of the formats a person reads there (tables and Markdown; JSON escapes its own, CSV and HTML
    /// go to programs that read them as data).
    private static func outcome(of invocation: Invocation, notes: Notes) -> Outcome {
        var outcome = unescapedOutcome(of: invocation, notes: notes)
        outcome.stderr = Escape.terminalKeepingLines(outcome.stderr)
        let format = invocation.value("--format").flatMap(OutputFormat.init) ?? invocation.spec.formats.first ?? .table
        if format == .table || format == .md { outcome.stdout = Escape.terminalKeepingLines(outcome.stdout) }
        return outcome
    }

    private static func unescapedOutcome(of invocation: Invocation, notes: Notes) -> Outcome {
        let spec = invocation.spec
        do {
            try invocation.checkGlobals()
            let out = try spec.run(invocation)
            return Outcome(stdout: out, stderr: notes.text, status: ExitStatus.success)
        } catch let e as UsageError {
            return Outcome(stdout: "", stderr: notes.text + Help.usageError(e, commands: Commands.all), status: ExitStatus.usage)
        } catch let e as DomainError {
            return Outcome(stdout: "", stderr: notes.text + "Error: \(e.message)\n", status: ExitStatus.refused)
        } catch let e as RefusalWithReport {
            return Outcome(stdout: e.stdout, stderr: notes.text + "Error: \(e.message)\n", status: ExitStatus.refused)
        } catch let e as Refusal {
            return Outcome(stdout: "", stderr: notes.text + "Error: \(e.message)\n", status: ExitStatus.refused)
        } catch let e as StoreError {
            let status: Int32
            switch e {
            case .integrity, .worldWritable, .folderOpenToOthers: status = ExitStatus.integrity
            default: status = ExitStatus.refused
            }
            return Outcome(stdout: "", stderr: notes.text + "Error: \(capitalised(e.description))\n", status: status)
        } catch let e as IntegrityFailure {
            return Outcome(stdout: e.stdout, stderr: notes.text, status: ExitStatus.integrity)
        } catch let e as ProofError {
            return Outcome(stdout: "", stderr: notes.text + "Error: \(capitalised(e.message)).\n", status: ExitStatus.refused)
        } catch let e as LedgerError {
            return Outcome(stdout: "", stderr: notes.text + "Error: \(capitalised(e.description))\n", status: ExitStatus.refused)
        } catch {
            return Outcome(stdout: "", stderr: notes.text + "Error: \(error)\n", status: ExitStatus.refused)
        }
    }

    static func capitalised(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }
}

/// `verify` found problems: its report still goes to stdout, and the status is 3.
struct IntegrityFailure: Error {
    var stdout: String
}

extension Notes {
    var text: String { lines.map { $0 + "\n" }.joined() }
}
