import Testing

@testable import CommandSupport

@Suite struct ConfigFileTests {
    static let text = """
        # shared
        seed = 7
        keys = "keys/"

        [coordinator]
        rounds = 20
        lr = 0.05
        plaintext = false

        [node]
        "fault-plan" = "drop=0.1"
        tags = ["a", 2]
        """

    @Test func readsSharedKeysAndTablesWithTheirLines() throws {
        let file = try ConfigFile(text: Self.text, path: "c.toml")
        #expect(file.shared == [
            ConfigEntry(section: nil, key: "seed", value: .scalar("7"), line: 2),
            ConfigEntry(section: nil, key: "keys", value: .scalar("keys/"), line: 3),
        ])
        #expect(file.sections["coordinator"] == [
            ConfigEntry(section: "coordinator", key: "rounds", value: .scalar("20"), line: 6),
            ConfigEntry(section: "coordinator", key: "lr", value: .scalar("0.05"), line: 7),
            ConfigEntry(section: "coordinator", key: "plaintext", value: .bool(false), line: 8),
        ])
        #expect(file.sections["node"]?.map(\.line) == [11, 12])
        #expect(file.sections["node"]?.last?.value == .list(["a", "2"]))
    }

    @Test func aCommandReadsTheSharedKeysItKnowsThenItsTable() throws {
        let file = try ConfigFile(text: Self.text, path: "c.toml")
        let entries = file.entries(for: "coordinator") { $0 == "seed" }
        #expect(entries.map(\.key) == ["seed", "rounds", "lr", "plaintext"])
    }

    @Test func aSyntaxErrorNamesItsLine() {
        #expect {
            try ConfigFile(text: "seed = 1\nrounds = = 2\n", path: "bad.toml")
        } throws: { error in
            let problem = error as? ConfigProblem
            return problem?.line == 2 && problem?.description.hasPrefix("bad.toml:2: ") == true
        }
    }

    @Test func anUnknownTableIsAProblemAtItsHeader() {
        #expect(throws: ConfigProblem.self) { try ConfigFile(text: "seed = 1\n\n[nodes]\nclients = 3\n", path: "t.toml") }
        do {
            _ = try ConfigFile(text: "seed = 1\n\n[nodes]\nclients = 3\n", path: "t.toml")
        } catch {
            #expect(error.line == 3)
            #expect(error.message.contains("[node]"))
        }
    }

    @Test func aNestedTableIsAProblem() {
        do {
            _ = try ConfigFile(text: "[run]\nrounds = 2\nwhere = { a = 1 }\n", path: "n.toml")
            Issue.record("accepted a nested table")
        } catch {
            #expect(error.line == 3)
            #expect(error.key == "where")
        }
    }
}
