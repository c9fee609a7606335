/// Input checks shared by the deciders, each refusing with what a valid value looks like.
public enum Validate {
    static func text(_ s: String, what: String) throws(DomainError) {
        // Most text starts with a visible ASCII character; replay re-checks every note this way.
        if let first = s.utf8.first, first > 0x20, first < 0x7F { return }
        // Spaces and invisible characters (a zero-width space, a direction mark) are no text.
        let invisible: (Unicode.Scalar) -> Bool = {
            $0.properties.isWhitespace || $0.properties.isDefaultIgnorableCodePoint || $0.properties.generalCategory == .format
        }
        if s.unicodeScalars.allSatisfy(invisible) { throw DomainError("The \(what) is empty; give some text.") }
    }

    /// Codes such as MSCP or MEDWAY-CSC: letters, digits and hyphens, starting with a letter.
    static func code(_ s: String, what: String) throws(DomainError) {
        let ok = !s.isEmpty && s.utf8.count <= 32 && s.first!.isLetter
            && s.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "-" }
        if !ok {
            throw DomainError("The \(what) '\(s)' is not valid: use letters, digits and hyphens, starting with a letter (e.g. MSCP).")
        }
    }

    /// User names: ASCII letters, digits, dots, hyphens and underscores, starting with a letter or digit,
    /// so no two can look alike (no lookalike letters from other scripts, no invisible characters).
    /// An email address in its plain form (name@council.gov.uk): ASCII letters, digits and the few
    /// signs addresses use before the @, a dotted domain after it; nothing a mail header could take
    /// for more than one address.
    public static func email(_ s: String) throws(DomainError) {
        let u = Array(s.utf8)
        func alnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) }
        let at = u.firstIndex(of: 0x40)
        var ok = u.count <= 254 && at != nil && u.filter { $0 == 0x40 }.count == 1
        if ok, let at {
            let local = u[..<at], domain = u[(at + 1)...]
            let localSigns = Array("!#$%&'*+-/=?^_`{|}~.".utf8)
            ok = !local.isEmpty && local.count <= 64 && local.allSatisfy { alnum($0) || localSigns.contains($0) }
                && local.first != 0x2E && local.last != 0x2E && !zip(local, local.dropFirst()).contains { $0 == 0x2E && $1 == 0x2E }
            let labels = domain.split(separator: 0x2E, omittingEmptySubsequences: false)
            ok = ok && labels.count >= 2 && labels.allSatisfy { l in
                !l.isEmpty && l.count <= 63 && l.allSatisfy { alnum($0) || $0 == 0x2D } && l.first != 0x2D && l.last != 0x2D
            }
        }
        if !ok {
            throw DomainError("'\(s)' is not an email address casetrail can send to: give one like j.smith@medway.gov.uk (letters, digits and dots; an international domain in its xn-- form).")
        }
    }

    static func identifier(_ s: String, what: String) throws(DomainError) {
        let u = Array(s.utf8)
        func plain(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) }
        let ok = !u.isEmpty && u.count <= 64 && plain(u[0]) && u.allSatisfy { plain($0) || $0 == 0x2E || $0 == 0x2D || $0 == 0x5F }
        if !ok {
            throw DomainError("The \(what) '\(s)' is not valid: use letters, digits, dots, hyphens and underscores, starting with a letter or digit (e.g. jsmith).")
        }
    }
}

extension String {
    var trimmingSpaces: Substring {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return s
    }
}

extension Validate {
    /// Review references such as MSCP-RR-2023-01: capital letters, digits, hyphens and dots, no slashes.
    /// Capitals only, so two references never differ by case alone.
    static func reference(_ s: String) throws(DomainError) {
        let ok = !s.isEmpty && s.utf8.count <= 48 && ("A"..."Z").contains(s.unicodeScalars.first!)
            && s.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "." }
        if !ok {
            throw DomainError("The reference '\(s)' is not valid: use capital letters, digits, dots and hyphens, starting with a letter (e.g. MSCP-RR-2023-01).")
        }
    }

    /// Refuses a recommendation or action number that is the same number as one already there
    /// (`R09` beside `R9`, `p2` beside `P2`): two numbers must not read alike.
    static func distinctNumber(_ code: String, among existing: [String], in place: String) throws(DomainError) {
        if let same = existing.first(where: { $0 != code && Partnership.sameNumber($0, code) }) {
            throw DomainError("\(place) already has \(same), which is the same number as \(code); use \(same) or another number.")
        }
    }

    static func notAfterToday(_ d: LocalDate, _ today: LocalDate, what: String) throws(DomainError) {
        if d > today {
            throw DomainError("The \(what) \(d.readable) is in the future (today is \(today.readable)); record facts once they have happened.")
        }
    }

    /// A child is named only by pseudonym: refuse what looks like a date of birth, NHS number or postcode.
    static func pseudonym(_ s: String) throws(DomainError) {
        try text(s, what: "child's pseudonym")
        try noPersonalData(s, what: "child's pseudonym")
        if s.count > 40 { throw DomainError("The child's pseudonym is too long; use a short pseudonym such as \"Child Q\".") }
    }

    static func noPersonalData(_ s: String, what: String) throws(DomainError) {
        if let found = PersonalData.find(in: s) {
            throw DomainError("The \(what) looks like it contains \(found). The log records pseudonyms only (\"Child Q\"); "
                + "leave out dates of birth, NHS numbers and postcodes.")
        }
    }
}

/// Recognises text that identifies a child: a date (of birth), an NHS number, a UK postcode.
enum PersonalData {
    static func find(in text: String) -> String? {
        // Each of these needs a digit; most pseudonyms and summaries have none, and replay re-checks them all.
        guard text.unicodeScalars.contains(where: { $0.properties.numericType != nil }) else { return nil }
        let chars = Array(text.uppercased())
        // NHS number: ten digits, optionally spaced 3-3-4.
        let digitsOnly = chars.filter { $0 != " " && $0 != "-" }
        var run = 0
        for c in digitsOnly {
            run = c.isASCII && c.isNumber ? run + 1 : 0
            if run == 10 { return "an NHS number" }
        }
        if looksLikeDate(chars) { return "a date (of birth?)" }
        if looksLikePostcode(chars) { return "a postcode" }
        return nil
    }

    /// 12/03/2015, 12-03-15, 2015-03-12, 12.3.2015, or "12 March 2015".
    static func looksLikeDate(_ c: [Character]) -> Bool {
        let tokens = String(c).split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        let numeric = String(c).split(whereSeparator: { $0 != "/" && $0 != "-" && $0 != "." && !$0.isNumber })
        for t in numeric {
            let parts = t.split(whereSeparator: { $0 == "/" || $0 == "-" || $0 == "." })
            if parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isNumber) && !$0.isEmpty }) { return true }
        }
        let months = LocalDate.monthAbbreviations.map { $0.uppercased() }
        for i in tokens.indices.dropLast(2) {
            let day = tokens[i], month = tokens[i + 1], year = tokens[i + 2]
            if day.allSatisfy(\.isNumber), day.count <= 2, months.contains(where: { month.hasPrefix($0) }),
               year.allSatisfy(\.isNumber), year.count == 4 { return true }
        }
        return false
    }

    /// Outward code (A9, A99, AA9, AA99, A9A, AA9A) then inward code (9AA), with or without a space.
    static func looksLikePostcode(_ c: [Character]) -> Bool {
        let words = String(c).split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        func outward(_ w: String) -> Bool {
            let a = Array(w)
            guard (2...4).contains(a.count), a[0].isLetter else { return false }
            let shapes = ["A9", "A99", "AA9", "AA99", "A9A", "AA9A"]
            return shapes.contains(String(a.map { $0.isLetter ? "A" : $0.isNumber ? "9" : "?" }))
        }
        func inward(_ w: String) -> Bool {
            let a = Array(w)
            return a.count == 3 && a[0].isNumber && a[1].isLetter && a[2].isLetter
        }
        for i in words.indices {
            if i + 1 < words.count, outward(words[i]), inward(words[i + 1]) { return true }
            let w = words[i]
            if w.count >= 5, w.count <= 7, outward(String(w.dropLast(3))), inward(String(w.suffix(3))) { return true }
        }
        return false
    }
}

extension String {
    /// Without the spaces, tabs and line breaks around it (what a typed or imported value means).
    package var trimmedSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" || f == "\r\n" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" || l == "\r\n" { s.removeLast() }
        return String(s)
    }
}
