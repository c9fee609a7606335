import Foundation
import Testing
import CaseTrailCLI
import CaseTrailCore
@testable import CaseTrailStore

/// The committed demo log and event catalogue, as a newcomer meets them.
@Suite struct DemoLogTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let demo = root.appendingPathComponent("events/demo.jsonl").path
    static let catalogue = (try? String(contentsOfFile: root.appendingPathComponent("events/README.md").path, encoding: .utf8)) ?? ""

    static func demoLines() throws -> [JSONValue] {
        try String(contentsOfFile: demo, encoding: .utf8).split(separator: "\n").map { try JSONValue.parse(String($0)) }
    }

    @Test func theDemoLogVerifiesOnACopy() throws {
        let dir = try TemporaryDirectory()
        let copy = dir.path("demo.jsonl")
        try FileManager.default.copyItem(atPath: Self.demo, toPath: copy)
        let out = cli(["verify", "--log", copy, "--format", "json"], now: realNow)
        #expect(out.status == 0)
        #expect(try JSONValue.parse(out.stdout)["ok"] == true)
    }

    @Test func theDemoTellsAStoryWithManyKindsOfFact() throws {
        let lines = try Self.demoLines()
        let types = Set(lines.map { $0["type"]!.stringValue! })
        #expect(types.count >= 15, "\(types.count) event types")
        var kinds = Set(lines.compactMap { $0["type"] == "review_opened" ? $0["data"]?["kind"]?.stringValue : nil })
        if types.contains("serious_incident_recorded") { kinds.insert("rapid-review") }
        #expect(kinds.count >= 4, "\(kinds)")
    }

    @Test func everyEventTypeIsInTheCatalogue() throws {
        for type in Event.currentSchema.keys {
            #expect(Self.catalogue.contains("### `\(type)`"), "\(type) is missing from events/README.md")
        }
        for type in Set(try Self.demoLines().map { $0["type"]!.stringValue! }) {
            #expect(Self.catalogue.contains("### `\(type)`"), "\(type) is in the demo but not the catalogue")
        }
    }

    @Test func everyCatalogueExampleIsAnEventOfItsType() throws {
        let blocks = Self.catalogue.components(separatedBy: "### `").dropFirst()
        #expect(blocks.count == Event.currentSchema.count)
        for block in blocks {
            let type = String(block.prefix { $0 != "`" })
            let example = block.components(separatedBy: "```json\n")[1].components(separatedBy: "\n```")[0]
            let line = try JSONValue.parse(example)
            #expect(line["type"]?.stringValue == type)
            #expect(throws: Never.self) { try Event.decode(type: type, schema: line["schema"]!.intValue!, data: line["data"]!) }
        }
    }
}
