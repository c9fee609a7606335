import Foundation
import Testing
import CaseTrailCore
@testable import CaseTrailStore

@Suite struct JSONTests {
    @Test func objectsKeepTheirMembersInWrittenOrder() throws {
        let v = try JSONValue.parse(#"{"b":1,"a":[true,false,null],"c":{"d":"x"}}"#)
        guard case .object(let members) = v else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["b", "a", "c"])
        #expect(v["c"]?["d"] == "x")
        #expect(v.compactText == #"{"b":1,"a":[true,false,null],"c":{"d":"x"}}"#)
    }

    @Test func escapesAndUnicodeAreDecoded() throws {
        let v = try JSONValue.parse(#""Child \"Q\"\n\u00e9\ud83d\ude00 /\\ \/""#)
        #expect(v == .string("Child \"Q\"\né😀 /\\ /"))
    }

    @Test func writingThenReadingGivesTheSameValue() throws {
        let v: JSONValue = .object(["text": "quote \" backslash \\ tab \t newline \n bell \u{07} pound £", "n": -42,
                                    "list": ["a", 1, true, nil], "d": .double(1.5)])
        #expect(try JSONValue.parse(v.compactText) == v)
    }

    /// The log's hashes are over these bytes: every escape exactly where it falls, at either end of the
    /// text and side by side, with plain runs between them copied as they are.
    @Test func stringsAreWrittenWithExactlyTheEscapesJSONRequires() {
        func written(_ s: String, invisibles: Bool = false) -> String {
            var out: [UInt8] = []
            invisibles ? JSONValue.writeStringEscapingInvisibles(s, into: &out) : JSONValue.writeString(s, into: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(written("") == #""""#)
        #expect(written("plain text é") == #""plain text é""#)
        #expect(written("\"at ends\"") == #""\"at ends\"""#)
        #expect(written("a\\\"\n\r\t\u{01}\u{1F}b") == #""a\\\"\n\r\t\u0001\u001fb""#)
        #expect(written("DEL\u{7F} C1\u{85} rtl\u{202E}") == "\"DEL\u{7F} C1\u{85} rtl\u{202E}\"")
        #expect(written("DEL\u{7F} C1\u{85} rtl\u{202E}\n", invisibles: true) == #""DEL\u007f C1\u0085 rtl\u202e\n""#)
        #expect(written("plain \"quoted\"", invisibles: true) == #""plain \"quoted\"""#)
    }

    @Test(arguments: [#"{"a":1,}"#, #"{"a":01}"#, #"[1 2]"#, "\"tab\there\"", #"{"a":"x""#, #"{"a":1} x"#, #"{a:1}"#,
                      #""\ud800""#, #""\x""#, "-", "1.", "nul", ""])
    func malformedJSONIsRejected(_ text: String) {
        #expect(throws: JSONError.self) { try JSONValue.parse(text) }
    }

    @Test func invalidUTF8IsRejected() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
        #expect(throws: JSONError.self) { try bytes.withUnsafeBufferPointer { try JSONValue.parse($0) } }
    }

    @Test func theFastReaderAgreesWithFoundationsDecoder() throws {
        let texts = [#"{"seq":1,"data":{"name":"Medway","aliases":["NHS Medway","Medway CCG"],"n":null}}"#,
                     #"[1,-2,3.25,"é",{"x":false}]"#, #"{"nested":{"deep":[[],{}]}}"#]
        for text in texts {
            let fast = try JSONValue.parse(text)
            let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            #expect(fast.sameContent(as: foundation), "\(text)")
        }
    }

    /// Valid and invalid texts, including strings with special bytes on both sides of an eight-byte boundary.
    static let checkedTexts: [String] = {
        var texts = [#"{"a":1,}"#, #"{"a":01}"#, #"[1 2]"#, "\"tab\there\"", #"{"a":"x""#, #"{"a":1} x"#, #"{a:1}"#,
                     #""\ud800""#, #""\x""#, "-", "1.", "nul", "", #"{"a":1 "b":2}"#, #"{"a" 1}"#, #"{"a":[1,{"b":}]}"#,
                     #"{"seq":1,"data":{"name":"Medway","aliases":["NHS Medway","Medway CCG"],"n":null}}"#,
                     #" { "a" : [ 1 , -2.5e3 , true , false , null , { } , [ ] ] , "\u0062" : "\/" } "#, "-0", "0.5", "1E+2"]
        for k in 0..<20 {
            let pad = String(repeating: "x", count: k)
            texts += ["\"\(pad)\\n\(pad)\"", "\"\(pad)é\(pad)\"", "\"\(pad)\u{01}\"", "\"\(pad)\"", "\"\(pad)", "{\"\(pad)\":\"\(pad)\\\"\"}"]
        }
        return texts
    }()

    @Test func checkingWithoutBuildingAcceptsExactlyWhatTheParserAccepts() {
        for text in Self.checkedTexts {
            let bytes = Array(text.utf8)
            let parsed = try? JSONValue.parse(text)
            let indexed = bytes.withUnsafeBufferPointer { IndexedJSON(checking: $0) }
            #expect((indexed != nil) == (parsed != nil), "\(text)")
            guard let indexed, case .object(let members) = parsed else { continue }
            // The index finds every member the parser found, at the value the parser read.
            #expect(indexed.index.members.count == members.count, "\(text)")
            for (noted, member) in zip(indexed.index.members, members) {
                bytes.withUnsafeBufferPointer { all in
                    let start = all.firstIndex { $0 != 0x20 }!
                    var p = JSONParser(bytes: UnsafeBufferPointer(rebasing: all[start...]))
                    p.pos = noted.value
                    #expect((try? p.value(depth: 1)) == member.value, "\(text)")
                }
            }
        }
    }

    @Test func aStringIsReadTheSameWhereverItsSpecialByteFalls() throws {
        for k in 0..<20 {
            let pad = String(repeating: "y", count: k)
            #expect(try JSONValue.parse("\"\(pad)\"") == .string(pad))
            #expect(try JSONValue.parse("\"\(pad)\\t\(pad)\"") == .string(pad + "\t" + pad))
            #expect(try JSONValue.parse("\"\(pad)£\(pad)\"") == .string(pad + "£" + pad))
            #expect(throws: JSONError.self) { try JSONValue.parse("\"\(pad)\u{1F}\(pad)\"") }
            #expect(throws: JSONError.self) { try JSONValue.parse("\"\(pad)") }
        }
    }

    @Test func integersAreReadExactlyAndOnlyWhenTheyFit() throws {
        #expect(try JSONValue.parse("-0") == .int(0))
        #expect(try JSONValue.parse("9223372036854775807") == .int(Int.max))
        #expect(try JSONValue.parse("-9223372036854775808") == .int(Int.min))
        #expect(try JSONValue.parse("9223372036854775808") == .double(9223372036854775808))
        #expect(try JSONValue.parse("-9223372036854775809") == .double(-9223372036854775809))
        #expect(try JSONValue.parse("1.0") == .double(1))
        #expect(try JSONValue.parse("1e2") == .double(100))
        #expect(try JSONValue.parse("120") == .int(120))
    }
}
