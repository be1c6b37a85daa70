import Actors
import FedzProtocol
import Foundation
import Testing

extension ActorsClusteredTests {
    /// Key pairs, key files and allow-lists (libzmq's Z85 and key derivation, real files).
    @Suite struct CurveKeyFiles {
        /// A fresh directory under the temporary directory, removed after `body`.
        func withDirectory(_ body: (String) throws -> Void) throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fedz-keys-\(UUID())").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try body(directory)
        }

        func permissions(_ path: String) throws -> Int {
            try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        }

        @Test func generatedPairsAreZ85AndTheSecretDerivesThePublicKey() throws {
            let pair = try CurveKeyPair.generate()
            #expect(pair.publicKey.utf8.count == 40 && pair.secretKey.utf8.count == 40)
            #expect(try CurveKeyPair(secretKey: pair.secretKey) == pair)
            #expect(try CurveKeyPair.generate() != pair)
            #expect(!"\(pair)".contains(pair.secretKey))
        }

        @Test func writeThenLoadRoundTripsWithPrivateSecretFile() throws {
            try withDirectory { directory in
                let pair = try CurveKeyPair.generate()
                try pair.write(to: directory, name: "node-3")
                #expect(try CurveKeyPair.load(from: directory, name: "node-3") == pair)
                #expect(try CurveKeyPair.loadPublicKey(from: directory, name: "node-3") == pair.publicKey)
                #expect(try permissions("\(directory)/node-3.key") == 0o600)
                #expect(try permissions("\(directory)/node-3.pub") == 0o644)
                #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["node-3.key", "node-3.pub"])
                let replacement = try CurveKeyPair.generate()
                try replacement.write(to: directory, name: "node-3")
                #expect(try CurveKeyPair.load(from: directory, name: "node-3") == replacement)
            }
        }

        @Test func aMissingFileIsNamed() throws {
            try withDirectory { directory in
                let error = #expect(throws: CurveKeyError.self) { try CurveKeyPair.load(from: directory, name: "absent") }
                #expect(error == CurveKeyError(source: "\(directory)/absent.key", reason: .missing))
                #expect(error?.description == "\(directory)/absent.key: file not found")
            }
        }

        @Test func writingIntoAMissingDirectoryFailsNamingTheFile() throws {
            let error = #expect(throws: CurveKeyError.self) {
                try CurveKeyPair.generate().write(to: "/nonexistent-fedz-dir", name: "coordinator")
            }
            #expect(error?.source == "/nonexistent-fedz-dir/coordinator.key")
        }

        @Test(arguments: [
            ("abc\n", CurveKeyError.Reason.wrongLength(3)),
            ("", .wrongLength(0)),
            (String(repeating: "~", count: 40), .invalidZ85),
        ])
        func corruptSecretKeyFilesAreRejected(contents: String, reason: CurveKeyError.Reason) throws {
            try withDirectory { directory in
                try CurveKeyPair.generate().write(to: directory, name: "n")
                try contents.write(toFile: "\(directory)/n.key", atomically: true, encoding: .utf8)
                let error = #expect(throws: CurveKeyError.self) { try CurveKeyPair.load(from: directory, name: "n") }
                #expect(error == CurveKeyError(source: "\(directory)/n.key", reason: reason))
            }
        }

        @Test func aSecretKeyOthersMayReadIsRefused() throws {
            try withDirectory { directory in
                try CurveKeyPair.generate().write(to: directory, name: "n")
                for mode: mode_t in [0o644, 0o604, 0o602] {
                    chmod("\(directory)/n.key", mode)
                    let error = #expect(throws: CurveKeyError.self) { try CurveKeyPair.load(from: directory, name: "n") }
                    #expect(error == CurveKeyError(source: "\(directory)/n.key", reason: .readableByOthers(mode: mode)))
                }
                for mode: mode_t in [0o600, 0o400, 0o440] {
                    chmod("\(directory)/n.key", mode)
                    _ = try CurveKeyPair.load(from: directory, name: "n")
                }
            }
        }

        @Test func aPublicKeyFileOfAnotherPairIsRejected() throws {
            try withDirectory { directory in
                try CurveKeyPair.generate().write(to: directory, name: "a")
                let other = try CurveKeyPair.generate().publicKey
                try other.write(toFile: "\(directory)/a.pub", atomically: true, encoding: .utf8)
                let error = #expect(throws: CurveKeyError.self) { try CurveKeyPair.load(from: directory, name: "a") }
                #expect(error == CurveKeyError(source: "\(directory)/a.pub", reason: .publicKeyMismatch))
            }
        }

        @Test func allowListWithCommentsBlankLinesAndNames() throws {
            let keys = try (0..<3).map { _ in try CurveKeyPair.generate().publicKey }
            let text = """
                # fedz allow-list

                \(keys[0]) node-0
                  \(keys[1])\tnode-1   # lab machine
                #\(keys[2]) node-2 (revoked)
                \(keys[2])  # unnamed\r
                """
            let list = try AllowList(parsing: text)
            #expect(list.entries == [
                AllowList.Entry(publicKey: keys[0], name: "node-0"),
                AllowList.Entry(publicKey: keys[1], name: "node-1"),
                AllowList.Entry(publicKey: keys[2]),
            ])
            #expect(list.contains(keys[1]) && list.name(of: keys[1]) == "node-1" && list.name(of: keys[2]) == nil)
            #expect(!list.contains(try CurveKeyPair.generate().publicKey))
        }

        @Test func rolesAreNamedOrImpliedByTheId() throws {
            let keys = try (0..<5).map { _ in try CurveKeyPair.generate().publicKey }
            let list = try AllowList(parsing: """
                \(keys[0]) node-0
                \(keys[1]) monitor
                \(keys[2]) ops admin  # operator
                \(keys[3]) watcher monitor
                \(keys[4])
                """)
            #expect(list.entries[2] == AllowList.Entry(publicKey: keys[2], name: "ops", role: .admin))
            #expect(list.role(of: "node-0") == .node)
            #expect(list.role(of: "monitor") == .monitor)
            #expect(list.role(of: "ops") == .admin)
            #expect(list.role(of: "watcher") == .monitor)
            #expect(list.role(of: keys[4]) == .node, "an unnamed key authenticates as itself")
            #expect(list.role(of: "node-9") == nil)
        }

        /// Why a line starting with `#` is always a comment: no valid key starts with `#`.
        @Test func noKeyStartsWithHash() throws {
            let key = "#" + String(try CurveKeyPair.generate().publicKey.dropFirst())
            let error = #expect(throws: CurveKeyError.self) { try CurveKeyPair.validatePublicKey(key) }
            #expect(error?.reason == .invalidZ85)
        }

        @Test func allowListErrorsNameTheLine() throws {
            let key = try CurveKeyPair.generate().publicKey
            let cases: [(String, Int, CurveKeyError.Reason)] = [
                ("# ok\n\(key)\nshort-key node-1\n", 3, .wrongLength(9)),
                ("\n\n\(String(repeating: "~", count: 40))\n", 3, .invalidZ85),
                ("\(key) node-1 extra words\n", 1, .unexpectedText("extra words")),
                ("\(key) node-1 node extra\n", 1, .unexpectedText("extra")),
                ("\(key) node-1 operator\n", 1, .unexpectedText("operator")),
                ("\(key) a\n# x\n\(key) b\n", 3, .duplicateKey(firstLine: 1)),
            ]
            for (text, line, reason) in cases {
                let error = #expect(throws: CurveKeyError.self) { try AllowList(parsing: text, source: "nodes.allow") }
                #expect(error == CurveKeyError(source: "nodes.allow", line: line, reason: reason))
            }
            let described = #expect(throws: CurveKeyError.self) { try AllowList(parsing: "x y", source: "f") }
            #expect(described?.description == "f:1: a CURVE key is 40 Z85 characters, found 1")
        }

        @Test func allowListFilesLoadAndMissingOnesAreNamed() throws {
            try withDirectory { directory in
                let key = try CurveKeyPair.generate().publicKey
                try "\(key) node-0\n".write(toFile: "\(directory)/allow-list", atomically: true, encoding: .utf8)
                #expect(try AllowList.load(path: "\(directory)/allow-list").entries == [AllowList.Entry(publicKey: key, name: "node-0")])
                let error = #expect(throws: CurveKeyError.self) { try AllowList.load(path: "\(directory)/none") }
                #expect(error == CurveKeyError(source: "\(directory)/none", reason: .missing))
            }
        }

        @Test func allowListFromKeysRejectsInvalidKeys() throws {
            let key = try CurveKeyPair.generate().publicKey
            #expect(try AllowList(publicKeys: [key, key]).entries == [AllowList.Entry(publicKey: key)])
            #expect(throws: CurveKeyError.self) { try AllowList(publicKeys: ["nope"]) }
        }
    }
}
