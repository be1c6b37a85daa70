import Foundation

/// Where a data set's files are: an explicit directory, else `DATASET` under
/// `$FEDZ_DATA_DIR`, else under the nearest `data/` folder above the running
/// executable (the project's own, for a build inside a clone), else under `./data`.
public enum DataDirectory {
    public static func resolve(_ explicit: String?, dataset: String) -> String {
        if let explicit { return explicit }
        if let root = ProcessInfo.processInfo.environment["FEDZ_DATA_DIR"] { return root + "/" + dataset }
        var directory = ExecutableLocation.directory
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent("data").appendingPathComponent(dataset)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
            directory.deleteLastPathComponent()
        }
        return "data/" + dataset
    }
}

/// The running executable's location, for finding its sibling executables and data.
public enum ExecutableLocation {
    /// The directory holding the running executable (symlinks resolved).
    public static var directory: URL {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: path).deletingLastPathComponent()
    }

    /// The path of a sibling executable, e.g. `fedz-node` next to `fedz`.
    public static func sibling(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }
}
