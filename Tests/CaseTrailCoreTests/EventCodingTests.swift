import Testing
@testable import CaseTrailCore

@Suite struct EventCodingTests {
    static let samples: [Event] = [
        .partnershipInitialised(name: "Medway Safeguarding Children Partnership", code: "MSCP"),
        .memberAdded(user: "jsmith", name: "DI Smith", agency: "KENT-POLICE", roles: [.partner, .executive], partner: .police),
        .memberRetired(user: "jsmith", reason: "left the force"),
        .agencyAdded(code: "KM-ICB", name: "NHS Kent and Medway", aliases: ["NHS Medway"]),
        .agencyAliasAdded(code: "KM-ICB", alias: "Medway CCG"),
    ]

    @Test func everyEventReadsBackAsItWasWritten() throws {
        for event in Self.samples {
            let back = try Event.decode(type: event.typeName, schema: event.schema, data: try JSONValue.parse(event.data.compactText))
            #expect(back == event)
        }
    }

    @Test func storedTypeNamesAreFixed() {
        #expect(Self.samples.map(\.typeName) == ["partnership_initialised", "member_added", "member_retired",
                                                 "agency_added", "agency_alias_added"])
        #expect(Set(Event.currentSchema.keys) == Set(Self.samples.map(\.typeName)))
    }

    @Test func anUnknownTypeIsNotGuessedAt() {
        #expect(throws: EventDecodingError.unknownType("review_teleported")) {
            try Event.decode(type: "review_teleported", schema: 1, data: .object([]))
        }
    }

    @Test func aSchemaNewerThanThisBuildIsRefused() {
        #expect(throws: EventDecodingError.futureSchema(type: "agency_added", schema: 2, known: 1)) {
            try Event.decode(type: "agency_added", schema: 2, data: .object([]))
        }
    }

    @Test func aMissingFieldIsNamed() {
        #expect(throws: EventDecodingError.badField(type: "agency_added", field: "name", expected: "a string")) {
            try Event.decode(type: "agency_added", schema: 1, data: .object(["code": "X"]))
        }
    }
}
