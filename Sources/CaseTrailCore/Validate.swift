/// Input checks shared by the deciders, each refusing with what a valid value looks like.
enum Validate {
    static func text(_ s: String, what: String) throws(DomainError) {
        if s.trimmingSpaces.isEmpty { throw DomainError("The \(what) is empty; give some text.") }
    }

    /// Codes such as MSCP or MEDWAY-CSC: letters, digits and hyphens, starting with a letter.
    static func code(_ s: String, what: String) throws(DomainError) {
        let ok = !s.isEmpty && s.utf8.count <= 32 && s.first!.isLetter
            && s.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "-" }
        if !ok {
            throw DomainError("The \(what) '\(s)' is not valid: use letters, digits and hyphens, starting with a letter (e.g. MSCP).")
        }
    }

    /// User names and references: no spaces or control characters.
    static func identifier(_ s: String, what: String) throws(DomainError) {
        let ok = !s.isEmpty && s.utf8.count <= 64
            && !s.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 || $0 == "/" }
        if !ok { throw DomainError("The \(what) '\(s)' is not valid: use no spaces or slashes (e.g. jsmith).") }
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
