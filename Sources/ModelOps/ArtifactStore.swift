import Foundation

/// Artifact files named by content hash (`<sha256>.fedzt`) in one directory, written
/// atomically: to a temporary file in the same directory, flushed, then renamed into place.
struct ArtifactStore: Sendable {
    let directory: URL

    /// Creates `directory` if missing.
    init(directory: URL) throws(RegistryError) {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw RegistryError(.io(operation: "create directory", path: directory.path, reason: "\(error)"))
        }
    }

    func path(of hash: String) -> URL { directory.appendingPathComponent("\(hash).fedzt") }

    /// Stores `bytes` under their hash, unless a file of that name exists; returns the hash.
    func store(_ bytes: [UInt8]) throws(RegistryError) -> String {
        let hash = ArtifactFormat.sha256(bytes)
        let target = path(of: hash)
        guard !FileManager.default.fileExists(atPath: target.path) else { return hash }
        try Self.writeAtomically(bytes, to: target)
        return hash
    }

    /// The bytes stored under `hash`, checked against it; `version` names the owner in errors.
    func load(_ hash: String, version: Int) throws(RegistryError) -> [UInt8] {
        let file = path(of: hash)
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw RegistryError(.missingArtifact(version: version, path: file.path))
        }
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: file))
        } catch {
            throw RegistryError(.io(operation: "read", path: file.path, reason: "\(error)"))
        }
        let actual = ArtifactFormat.sha256(bytes)
        guard actual == hash else {
            throw RegistryError(.hashMismatch(version: version, path: file.path, expected: hash, actual: actual))
        }
        return bytes
    }

    /// Writes `bytes` to `target` through a flushed temporary file and a rename, so that
    /// readers see the old file or the whole new one.
    static func writeAtomically(_ bytes: [UInt8], to target: URL) throws(RegistryError) {
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw RegistryError(.io(operation: "create", path: temporary.path, reason: "permission or path"))
            }
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: bytes)
            try handle.synchronize()
            guard rename(temporary.path, target.path) == 0 else {
                throw RegistryError(.io(operation: "rename to", path: target.path, reason: String(cString: strerror(errno))))
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error as? RegistryError ?? RegistryError(.io(operation: "write", path: temporary.path, reason: "\(error)"))
        }
    }
}
