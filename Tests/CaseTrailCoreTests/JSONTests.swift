import Foundation
import Testing
@testable import CaseTrailCore

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
}
