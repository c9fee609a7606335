/// Personal data kept out of every free-text field (UK GDPR data minimisation): the log names a child
/// by pseudonym only. Applied when a command is given, not to history decided again (lines written
/// before this guard are redacted, not refused).
enum PersonalDataGuard {
    /// Why the command's text may not be recorded, naming the words and how to record the fact without them.
    static func refusal(_ command: Command) -> String? {
        if case let .review(.recordIncident(_, child, _, _, _, _)) = command, let why = notAPseudonym(child) { return why }
        if case let .correction(.correctReview(_, "child", value, _, _)) = command, let why = notAPseudonym(value) { return why }
        for (what, text) in command.freeText {
            if let found = PersonalData.inText(text) {
                return "The \(what) contains \(found.kind) ('\(found.words)'). The log keeps no one's personal details: "
                    + "write the fact without them (\"Child Q's GP\", not a name, date of birth, NHS number, address or contact details)."
            }
        }
        return nil
    }

    /// A child is named as "Child Q", by a single given name, or by a letter; not by a full name.
    static func notAPseudonym(_ child: String) -> String? {
        // "Baby M (2021)": a note in brackets is not part of the name.
        let words = (child.split(separator: "(").first.map(String.init) ?? child).split(separator: " ")
        let pseudonymous = words.count <= 1 || (words.count == 2 && (words[1].count == 1 || ["child", "baby", "sibling", "infant", "young"].contains(words[0].lowercased())))
        return pseudonymous ? nil : "'\(child)' looks like a full name. The log names a child by pseudonym only: \"Child Q\", a single given name, or a letter."
    }
}

extension Command {
    /// Every field of free text the command would record, with what it is called.
    var freeText: [(String, String)] {
        func some(_ pairs: (String, String?)...) -> [(String, String)] { pairs.compactMap { p in p.1.map { (p.0, $0) } } }
        switch self {
        case .initialise:
            return []
        case .setup(let c):
            switch c {
            case let .retireMember(_, reason): return some(("reason", reason))
            case .addMember, .bindLogin, .setEmail, .addAgency, .addAgencyAlias, .addHoliday, .setPolicy: return []
            }
        case .review(let c):
            switch c {
            case let .recordIncident(_, _, _, _, _, summary): return some(("summary", summary))
            case let .openReview(_, _, title, _, _): return some(("title", title))
            case let .completeRapidReview(_, _, _, rationale): return some(("rationale", rationale))
            case let .recordPanelResponse(_, _, _, note), let .screenReview(_, _, _, note): return some(("note", note))
            case let .decideReview(_, _, _, by, rationale, _, title, _, attribution):
                return some(("decision's body (--by)", by), ("rationale", rationale), ("title", title), ("--on-behalf-of", attribution?.onBehalfOf), ("meeting", attribution?.meeting))
            case let .recordMilestone(_, _, _, note, _): return some(("note", note))
            case let .withholdPublication(_, _, reason), let .delayReview(_, reason, _, _): return some(("reason", reason))
            case let .gradeReview(_, _, by, grade): return some(("grading body", by), ("grade", grade))
            case .recordAuditResults, .closeReview: return []
            case let .signOffReview(_, _, _, _, refusal, attribution):
                return some(("reason", refusal), ("--on-behalf-of", attribution?.onBehalfOf), ("meeting", attribution?.meeting))
            }
        case .action(let c):
            switch c {
            case let .addRecommendation(_, _, text, _): return some(("recommendation text", text))
            case let .respondToRecommendation(_, _, reason, _): return some(("reason", reason))
            case .recordImport: return []
            case let .addAction(_, _, text, _, lead, _, dueText, success, _):
                return some(("action text", text), ("lead", lead), ("due date's words", dueText), ("success indicators", success))
            case let .updateAction(_, note, _, evidence, _, attribution):
                return some(("note", note), ("evidence", evidence), ("--on-behalf-of", attribution?.onBehalfOf), ("meeting", attribution?.meeting))
            case let .reviseDue(_, _, reason, _), let .withdrawAction(_, reason, _), let .reopenAction(_, reason, _): return some(("reason", reason))
            case let .markImplemented(_, _, evidence): return some(("evidence", evidence))
            case let .recordImpact(_, _, evidence, rating): return some(("evidence of impact", evidence), ("rating", rating))
            case let .signOffAction(_, _, refusal, _, attribution):
                return some(("reason", refusal), ("--on-behalf-of", attribution?.onBehalfOf), ("meeting", attribution?.meeting))
            case let .transferAction(_, to, reason, _): return some(("destination", to), ("reason", reason))
            case .carryForward: return []
            case let .correctAction(_, field, value, reason, _):
                let typed = ["text", "lead", "success", "due-text"].contains(field)
                return some(("corrected \(field)", typed ? value : nil), ("reason", reason))
            }
        case .correction(let c):
            switch c {
            case let .void(_, reason, _, _): return some(("reason", reason))
            case let .correctReview(_, field, value, reason, _):
                return some(("corrected \(field)", field == "title" || field == "summary" ? value : nil), ("reason", reason))
            case let .correctRecommendation(_, field, value, reason, _):
                return some(("corrected \(field)", field == "text" ? value : nil), ("reason", reason))
            case let .redact(_, _, _, reason, _, _, _), let .voidEvent(_, _, _, reason, _), let .redateEvent(_, _, _, _, reason, _): return some(("reason", reason))
            }
        }
    }
}

extension PersonalData {
    /// Personal details in free text: an email address, an NHS number (its check digit right, in any
    /// script's digits and any spacing), a phone number, a National Insurance number, a postcode, or a
    /// date of birth (a date said to be one: "born 12/03/2015", "DOB 12 March 2015"). Nil when none.
    static func inText(_ text: String) -> (kind: String, words: String)? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "," || $0 == ";" || $0 == "(" || $0 == ")" }).map(String.init)
        if let email = words.first(where: { w in
            guard let at = w.firstIndex(of: "@"), at > w.startIndex else { return false }
            let domain = w[w.index(after: at)...]
            return domain.contains(".") && domain.first?.isLetter == true
        }) { return ("an email address", email) }
        guard text.contains(where: { $0.wholeNumberValue != nil }) else { return nil }
        for run in digitRuns(text) {
            let digits = run.digits
            if digits.count == 10, nhsCheckDigitHolds(digits) { return ("an NHS number", run.words) }
            if (digits.count == 11 && digits[0] == 0) || (digits.count == 12 && digits.prefix(2) == [4, 4] && run.words.hasPrefix("+")) {
                return ("a phone number", run.words)
            }
        }
        if let ni = nationalInsurance(text) { return ("a National Insurance number", ni) }
        let upper = Array(text.uppercased())
        if looksLikePostcode(upper) {
            let found = zip(words, words.dropFirst()).first { looksLikePostcode(Array(($0 + " " + $1).uppercased())) }.map { "\($0) \($1)" }
                ?? words.first { looksLikePostcode(Array($0.uppercased())) } ?? text
            return ("a postcode", found)
        }
        // A date is a date of birth when the text says so just before it.
        let lowered = words.map { $0.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "/" || $0 == "." || $0 == "-" } }
        for (i, w) in lowered.enumerated() where ["born", "dob", "d.o.b", "d.o.b.", "birth", "birthday", "b."].contains(w) {
            // The fewest words after it that make a date: "born 12/03/1990", "DOB March 12th 2015".
            for end in (i + 1)..<min(words.count, i + 5) {
                let after = words[(i + 1)...end].joined(separator: " ")
                if looksLikeDate(Array(after.uppercased())) || monthFirstDate(after) { return ("a date of birth", words[i...end].joined(separator: " ")) }
            }
        }
        return nil
    }

    /// Runs of digits (any script's) with at most single spaces or hyphens between them, and their words.
    static func digitRuns(_ text: String) -> [(digits: [Int], words: String)] {
        var runs: [(digits: [Int], words: String)] = []
        var digits: [Int] = [], words = "", gap = 0
        func close() { if !digits.isEmpty { runs.append((digits, words.trimmedSpaces)) }; digits = []; words = ""; gap = 0 }
        for c in text {
            if let d = c.wholeNumberValue, c.isNumber, d < 10 {
                digits.append(d); words.append(c); gap = 0
            } else if (c == " " || c == "-") && !digits.isEmpty && gap == 0 {
                words.append(c); gap = 1
            } else if c == "+" && digits.isEmpty {
                words = "+"
            } else {
                close()
            }
        }
        close()
        return runs
    }

    /// The NHS number's modulus 11 check: weights 10 down to 2 over the first nine digits.
    static func nhsCheckDigitHolds(_ d: [Int]) -> Bool {
        let sum = zip(d.prefix(9), (2...10).reversed()).reduce(0) { $0 + $1.0 * $1.1 }
        let check = 11 - sum % 11
        return check != 10 && (check == 11 ? 0 : check) == d[9]
    }

    /// Two letters, six digits and a letter A to D, as one word or spaced in pairs ("QQ 12 34 56 C").
    static func nationalInsurance(_ text: String) -> String? {
        let tokens = text.uppercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        func matches(_ a: [Character]) -> Bool {
            a.count == 9 && a[0].isASCII && a[0].isLetter && a[1].isASCII && a[1].isLetter
                && a[2..<8].allSatisfy({ $0.isASCII && $0.isNumber }) && "ABCD".contains(a[8])
        }
        for j in tokens.indices {
            var joined = ""
            for k in j..<tokens.count {
                joined += tokens[k]
                if joined.count >= 9 { if matches(Array(joined)) { return joined }; break }
            }
        }
        return nil
    }

    /// "March 12th 2015", "March 12 2015".
    static func monthFirstDate(_ text: String) -> Bool {
        let t = text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { $0.lowercased() }
        guard t.count >= 3 else { return false }
        let months = LocalDate.monthNames.map { $0.lowercased() } + LocalDate.monthAbbreviations.map { $0.lowercased() }
        let day = t[1].filter(\.isNumber)
        return months.contains(t[0]) && (1...2).contains(day.count) && t[2].count == 4 && t[2].allSatisfy(\.isNumber)
    }
}
