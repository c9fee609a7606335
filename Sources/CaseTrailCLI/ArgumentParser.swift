/// An option a command accepts: a flag, or a name followed by a value.
struct OptionSpec: Sendable {
    var name: String            // "--name"
    var short: String? = nil    // "-h"
    var valueName: String?      // "name" for "--name <name>"; nil for a flag
    var help: String
    var required = false
    var repeatable = false

    var label: String {
        let long = valueName.map { "\(name) <\($0)>" } ?? name
        return short.map { "\($0), \(long)" } ?? long
    }
}

/// A positional argument of a command.
struct ArgumentSpec: Sendable {
    var name: String
    var help: String
    var optional = false
}

/// A command's words, arguments, options, help text and what it does.
struct CommandSpec: Sendable {
    var words: [String]
    var abstract: String
    var discussion: String? = nil
    var arguments: [ArgumentSpec] = []
    var options: [OptionSpec] = []
    /// The output formats it offers; empty for commands that only record.
    var formats: [OutputFormat] = []
    /// Whether it answers from the log as it was at an earlier moment (`--as-of`).
    var asOf = false
    /// Whether it answers `--on-date` (every query taking `--as-of` but those that pin the log itself).
    var byBusinessDate = true
    var run: @Sendable (Invocation) throws -> String

    var path: String { words.joined(separator: " ") }
}

/// A usage mistake: wrong words, options or values. Exit 64 with the command's usage line.
struct UsageError: Error, Equatable {
    var message: String
    var command: [String]?   // words of the command whose usage to show; nil for the root
}

/// What the parser made of the command line.
struct ParsedLine {
    enum Request {
        case run(CommandSpec)
        case help([String])   // command words, [] for the root
        case version
    }
    var request: Request
    var positionals: [String] = []
    var values: [String: [String]] = [:]
    var flags: Set<String> = []
}

/// A small hand-written parser in the manner of swift-argument-parser: global options may come
/// before or after the command words, `--` ends options, `--opt=value` and `--opt value` both work.
struct ArgumentParser {
    let commands: [CommandSpec]
    let globals: [OptionSpec]

    static let helpOption = OptionSpec(name: "--help", short: "-h", valueName: nil, help: "Show help information.")

    func parse(_ args: [String]) throws(UsageError) -> ParsedLine {
        // First pass: find the command words among the non-option tokens.
        let arity = valueTaking()
        var wordIndices: [Int] = []
        var i = 0
        var optionsEnded = false
        while i < args.count {
            let a = args[i]
            if !optionsEnded && a == "--" { optionsEnded = true; i += 1; continue }
            if !optionsEnded && a.hasPrefix("-") && a.count > 1 {
                let name = String(a.split(separator: "=", maxSplits: 1)[0])
                if arity.contains(name) && !a.contains("=") { i += 1 }
                i += 1
                continue
            }
            wordIndices.append(i)
            i += 1
        }
        let words = wordIndices.map { args[$0] }
        let helpAsked = args.prefix(while: { $0 != "--" }).contains { $0 == "--help" || $0 == "-h" }

        if words.first == "help" {
            let target = Array(words.dropFirst())
            if target.isEmpty { return ParsedLine(request: .help([])) }
            guard let spec = match(target)?.spec else { throw unknownCommand(target) }
            return ParsedLine(request: .help(spec.words))
        }
        if words.isEmpty {
            if helpAsked { return ParsedLine(request: .help([])) }
            if args.contains("--version") { return ParsedLine(request: .version) }
            return ParsedLine(request: .help([]))
        }
        guard let (spec, used) = match(words) else {
            if helpAsked, isGroup(words) { return ParsedLine(request: .help(words)) }
            throw unknownCommand(words)
        }
        if helpAsked { return ParsedLine(request: .help(spec.words)) }

        // Second pass: options and positionals for that command.
        var line = ParsedLine(request: .run(spec))
        let commandWordIndices = Set(wordIndices.prefix(used))
        let known = spec.options + applicableGlobals(for: spec)
        i = 0
        optionsEnded = false
        while i < args.count {
            defer { i += 1 }
            if commandWordIndices.contains(i) { continue }
            let a = args[i]
            if !optionsEnded && a == "--" { optionsEnded = true; continue }
            guard !optionsEnded && a.hasPrefix("-") && a.count > 1 else {
                line.positionals.append(a)
                continue
            }
            let parts = a.split(separator: "=", maxSplits: 1).map(String.init)
            let name = parts[0]
            guard let option = known.first(where: { $0.name == name || $0.short == name }) else {
                let all = known.flatMap { [$0.name] + ($0.short.map { [$0] } ?? []) }
                throw UsageError(message: "Unknown option '\(name)'.\(suggestion(for: name, among: all))", command: spec.words)
            }
            if option.valueName == nil {
                if parts.count > 1 { throw UsageError(message: "The flag '\(option.name)' does not take a value.", command: spec.words) }
                line.flags.insert(option.name)
                continue
            }
            let value: String
            if parts.count > 1 {
                value = parts[1]
            } else {
                guard i + 1 < args.count else {
                    throw UsageError(message: "Missing value for '\(option.label)'.", command: spec.words)
                }
                i += 1
                value = args[i]
            }
            // A global given twice takes the last (a script's default, then the user's choice); a command's own option may not.
            let isGlobal = globals.contains { $0.name == option.name }
            if line.values[option.name] != nil && !option.repeatable && !isGlobal {
                throw UsageError(message: "The option '\(option.name)' was given more than once.", command: spec.words)
            }
            line.values[option.name, default: []].append(value)
        }
        for option in spec.options where option.required && line.values[option.name] == nil {
            throw UsageError(message: "Missing expected argument '\(option.label)'.", command: spec.words)
        }
        let required = spec.arguments.filter { !$0.optional }.count
        if line.positionals.count < required {
            let missing = spec.arguments[line.positionals.count]
            throw UsageError(message: "Missing expected argument '<\(missing.name)>'.", command: spec.words)
        }
        if line.positionals.count > spec.arguments.count {
            let extra = line.positionals[spec.arguments.count]
            throw UsageError(message: "Unexpected argument '\(extra)'.", command: spec.words)
        }
        return line
    }

    /// The global options a command accepts.
    func applicableGlobals(for spec: CommandSpec) -> [OptionSpec] {
        globals.filter { o in
            switch o.name {
            case "--format": return !spec.formats.isEmpty
            case "--as-of": return spec.asOf
            case "--on-date": return spec.asOf && spec.byBusinessDate
            case "--wide": return spec.formats.contains(.table)
            case "--version": return false
            default: return true
            }
        } + [ArgumentParser.helpOption]
    }

    /// The command whose words are the longest prefix of `words`, and how many words it used.
    func match(_ words: [String]) -> (spec: CommandSpec, used: Int)? {
        var best: (CommandSpec, Int)?
        for c in commands where c.words.count <= words.count && Array(words.prefix(c.words.count)) == c.words {
            if best == nil || c.words.count > best!.1 { best = (c, c.words.count) }
        }
        return best
    }

    /// True when `words` name a group of commands, like `agency` for `agency add`.
    func isGroup(_ words: [String]) -> Bool {
        commands.contains { $0.words.count > words.count && Array($0.words.prefix(words.count)) == words }
    }

    private func unknownCommand(_ words: [String]) -> UsageError {
        if isGroup(Array(words.prefix(1))) {
            let group = words[0]
            let subs = commands.filter { $0.words.first == group && $0.words.count > 1 }.map { $0.words[1] }
            if words.count == 1 {
                return UsageError(message: "'\(group)' needs a subcommand: \(subs.joined(separator: ", ")).", command: nil)
            }
            return UsageError(message: "Unknown subcommand '\(group) \(words[1])'.\(suggestion(for: words[1], among: subs))",
                              command: nil)
        }
        let firsts = Array(Set(commands.map { $0.words[0] })).sorted()
        return UsageError(message: "Unknown command '\(words[0])'.\(suggestion(for: words[0], among: firsts))", command: nil)
    }

    /// Every option name that takes a value, across all commands, so the first pass can skip values.
    private func valueTaking() -> Set<String> {
        var names = Set<String>()
        for o in globals + commands.flatMap(\.options) where o.valueName != nil {
            names.insert(o.name)
            if let s = o.short { names.insert(s) }
        }
        return names
    }
}

/// " Did you mean 'x'?" for the closest candidate within a small edit distance, else "".
func suggestion(for word: String, among candidates: [String]) -> String {
    // A unique candidate that the word begins ("exec" for "executive") is the likeliest meaning.
    let extended = candidates.filter { word.count >= 2 && $0.hasPrefix(word) }
    if extended.count == 1 { return " Did you mean '\(extended[0])'?" }
    let scored = candidates.map { ($0, editDistance(word, $0)) }.sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
    guard let best = scored.first, best.1 <= max(2, word.count / 3) else { return "" }
    return " Did you mean '\(best.0)'?"
}

/// Levenshtein distance between two strings, by characters.
func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a), y = Array(b)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var row = Array(0...y.count)
    for i in 1...x.count {
        var previous = row[0]
        row[0] = i
        for j in 1...y.count {
            let current = row[j]
            row[j] = x[i - 1] == y[j - 1] ? previous : min(previous, row[j], row[j - 1]) + 1
            previous = current
        }
    }
    return row[y.count]
}
