/// Help and usage text in swift-argument-parser's layout: OVERVIEW / USAGE / ARGUMENTS / OPTIONS / SUBCOMMANDS.
enum Help {
    static let tool = "casetrail"
    /// Descriptions start in this column; longer labels put theirs on the next line.
    static let column = 26

    static func root(commands: [CommandSpec], globals: [OptionSpec]) -> String {
        var out = """
        OVERVIEW: Track child-safeguarding case reviews, their recommendations, actions and sign-offs
        in an append-only, hash-chained event log.

        USAGE: \(tool) <subcommand> [options]

        OPTIONS:

        """
        for o in globals + [ArgumentParser.helpOption] { out += row(o.label, o.help) }
        out += "\nSUBCOMMANDS:\n"
        for c in commands { out += row(c.path, c.abstract) }
        out += "\nACTION QUERIES (outstanding, overdue, due, awaiting-signoff, no-impact-evidence, export) all take:\n"
        for o in Commands.actionFilterOptions + [Commands.groupByOption] { out += row(o.label, o.help + (o.name == "--group-by" ? " Not export." : "")) }
        out += "\n  See '\(tool) help <subcommand>' for detailed help.\n"
        return out
    }

    static func command(_ c: CommandSpec, globals: [OptionSpec]) -> String {
        var out = "OVERVIEW: \(c.abstract)\n"
        if let d = c.discussion { out += "\n\(d)\n" }
        out += "\nUSAGE: \(usage(c))\n"
        if !c.arguments.isEmpty {
            out += "\nARGUMENTS:\n"
            for a in c.arguments { out += row("<\(a.name)>", a.help) }
        }
        out += "\nOPTIONS:\n"
        for o in c.options { out += row(o.label, o.help + (o.repeatable ? " (can be repeated)" : "")) }
        out += row(ArgumentParser.helpOption.label, ArgumentParser.helpOption.help)
        out += "\nGLOBAL OPTIONS:\n"
        for o in ArgumentParser(commands: [c], globals: globals).applicableGlobals(for: c).dropLast() {
            out += row(o.label, o.help)
        }
        return out
    }

    /// Help for a group such as `agency`: its subcommands.
    static func group(_ words: [String], commands: [CommandSpec]) -> String {
        let members = commands.filter { Array($0.words.prefix(words.count)) == words }
        var out = "USAGE: \(tool) \(words.joined(separator: " ")) <subcommand>\n\nSUBCOMMANDS:\n"
        for c in members { out += row(c.path, c.abstract) }
        out += "\n  See '\(tool) help <subcommand>' for detailed help.\n"
        return out
    }

    static func usage(_ c: CommandSpec) -> String {
        var parts = [tool] + c.words
        for a in c.arguments { parts.append(a.optional ? "[<\(a.name)>]" : "<\(a.name)>") }
        for o in c.options {
            let shape = o.valueName.map { "\(o.name) <\($0)>" } ?? o.name
            let repeated = o.repeatable ? " ..." : ""
            parts.append(o.required ? shape + repeated : "[\(shape)\(repeated)]")
        }
        return parts.joined(separator: " ")
    }

    /// The stderr text of a usage error: the message, the usage line, where to read more.
    static func usageError(_ e: UsageError, commands: [CommandSpec]) -> String {
        guard let words = e.command, let c = commands.first(where: { $0.words == words }) else {
            return "Error: \(e.message)\nUsage: \(tool) <subcommand> [options]\n  See '\(tool) --help' for more information.\n"
        }
        return "Error: \(e.message)\nUsage: \(usage(c))\n  See '\(tool) \(c.path) --help' for more information.\n"
    }

    static func row(_ label: String, _ text: String) -> String {
        let lead = "  " + label
        if lead.count < column - 1 {
            return lead + String(repeating: " ", count: column - lead.count) + text + "\n"
        }
        return lead + "\n" + String(repeating: " ", count: column) + text + "\n"
    }
}
