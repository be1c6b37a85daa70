import Glibc

/// Key files: `NAME.key` holds the secret key (mode 0600), `NAME.pub` the public key (0644),
/// each one line of Z85 text.
extension CurveKeyPair {
    /// Writes `NAME.key` and `NAME.pub` into the existing `directory`, each atomically (a temporary
    /// file in the same directory, fsynced, then renamed), replacing older files of that name.
    public func write(to directory: String, name: String) throws(CurveKeyError) {
        let base = Self.path(directory, name)
        try KeyFile.writeAtomically(secretKey + "\n", to: base + ".key", mode: 0o600)
        try KeyFile.writeAtomically(publicKey + "\n", to: base + ".pub", mode: 0o644)
    }

    /// Reads `NAME.key` and `NAME.pub` from `directory` and checks that they belong together.
    public static func load(from directory: String, name: String) throws(CurveKeyError) -> CurveKeyPair {
        let base = path(directory, name)
        let pair = try CurveKeyPair(secretKey: KeyFile.readKey(at: base + ".key"), source: base + ".key")
        try KeyFile.requireUnreadableByOthers(base + ".key")
        let publicKey = try loadPublicKey(from: directory, name: name)
        guard publicKey == pair.publicKey else { throw CurveKeyError(source: base + ".pub", reason: .publicKeyMismatch) }
        return pair
    }

    /// Reads the public key in `NAME.pub` (e.g. a client's copy of the server's key).
    public static func loadPublicKey(from directory: String, name: String) throws(CurveKeyError) -> String {
        let file = path(directory, name) + ".pub"
        let key = try KeyFile.readKey(at: file)
        try validatePublicKey(key, source: file)
        return key
    }

    private static func path(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}

/// Small whole-file helpers over POSIX calls, with errors that name the file.
enum KeyFile {
    /// The file's text with surrounding whitespace removed.
    static func readKey(at path: String) throws(CurveKeyError) -> String {
        try read(at: path).trimmingWhitespace()
    }

    /// The whole file as UTF-8 text.
    static func read(at path: String) throws(CurveKeyError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(path, "open") }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = Glibc.read(descriptor, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw failure(path, "read") }
            if count == 0 { return String(decoding: bytes, as: UTF8.self) }
            bytes += chunk.prefix(count)
        }
    }

    /// Refuses a secret key file that users other than its owner and group may read (the mode
    /// `fedz keys generate` writes is 0600; a Kubernetes Secret mounted 0440 passes).
    static func requireUnreadableByOthers(_ path: String) throws(CurveKeyError) {
        var status = stat()
        guard stat(path, &status) == 0 else { throw failure(path, "stat") }
        let mode = status.st_mode & 0o777
        guard mode & 0o007 == 0 else { throw CurveKeyError(source: path, reason: .readableByOthers(mode: mode)) }
    }

    /// Writes `text` to a temporary file next to `path` with `mode` (umask does not apply),
    /// fsyncs it, renames it over `path` and fsyncs the directory.
    static func writeAtomically(_ text: String, to path: String, mode: mode_t) throws(CurveKeyError) {
        var template = Array((path + ".tmp-XXXXXX").utf8CString)
        let descriptor = mkstemp(&template)
        guard descriptor >= 0 else { throw failure(path, "mkstemp") }
        let temporary = String(nulTerminated: template)
        do throws(CurveKeyError) {
            defer { close(descriptor) }
            guard fchmod(descriptor, mode) == 0 else { throw failure(temporary, "fchmod") }
            var bytes = Array(text.utf8)[...]
            while !bytes.isEmpty {
                let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw failure(temporary, "write") }
                bytes = bytes.dropFirst(written)
            }
            guard fsync(descriptor) == 0 else { throw failure(temporary, "fsync") }
            guard rename(temporary, path) == 0 else { throw failure(path, "rename") }
        } catch {
            unlink(temporary)
            throw error
        }
        syncDirectory(of: path)
    }

    /// Best effort: makes the rename durable; failure to sync a directory loses nothing written.
    private static func syncDirectory(of path: String) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let descriptor = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    private static func failure(_ path: String, _ operation: String) -> CurveKeyError {
        let code = errno
        return CurveKeyError(source: path, reason: code == ENOENT ? .missing : .system(operation: operation, code: code))
    }
}

extension String {
    /// Without leading and trailing spaces, tabs, carriage returns and newlines.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
