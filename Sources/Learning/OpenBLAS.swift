import Foundation

/// The entry points of OpenBLAS, loaded at run time so its CPU kernel can be chosen first.
///
/// OpenBLAS 0.3.21 misdetects this project's CPUs and falls back to slow "Prescott" kernels;
/// it reads `OPENBLAS_CORETYPE` only when the library loads. `load()` therefore sets that
/// variable (and a single BLAS thread) from `/proc/cpuinfo` before `dlopen`, unless the
/// environment already says otherwise.
struct OpenBLAS: Sendable {
    typealias SGEMM = @convention(c) @Sendable (
        Int32, Int32, Int32, Int32, Int32, Int32, Float,
        UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32, Float,
        UnsafeMutablePointer<Float>?, Int32) -> Void
    typealias SAXPY = @convention(c) @Sendable (
        Int32, Float, UnsafePointer<Float>?, Int32, UnsafeMutablePointer<Float>?, Int32) -> Void
    typealias CoreName = @convention(c) @Sendable () -> UnsafeMutablePointer<CChar>?

    // CBLAS enum values.
    static let rowMajor: Int32 = 101
    static let noTranspose: Int32 = 111
    static let transpose: Int32 = 112

    let sgemm: SGEMM
    let saxpy: SAXPY
    /// The kernel family OpenBLAS picked, e.g. "SkylakeX".
    let coreName: String

    /// The process-wide instance, or nil when the library or its symbols are missing.
    static let shared: OpenBLAS? = load()

    private static func load() -> OpenBLAS? {
        configureEnvironment()
        guard let handle = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL),
              let sgemm = dlsym(handle, "cblas_sgemm"),
              let saxpy = dlsym(handle, "cblas_saxpy")
        else { return nil }
        var coreName = "unknown"
        if let symbol = dlsym(handle, "openblas_get_corename"),
           let name = unsafeBitCast(symbol, to: CoreName.self)() {
            coreName = String(cString: name)
        }
        return OpenBLAS(sgemm: unsafeBitCast(sgemm, to: SGEMM.self),
                        saxpy: unsafeBitCast(saxpy, to: SAXPY.self),
                        coreName: coreName)
    }

    /// Sets `OPENBLAS_CORETYPE` from the CPU flags and `OPENBLAS_NUM_THREADS` to 1, each only if unset.
    private static func configureEnvironment() {
        if getenv("OPENBLAS_CORETYPE") == nil, let coreType = coreType(cpuFlags: cpuFlags()) {
            setenv("OPENBLAS_CORETYPE", coreType, 1)
        }
        if getenv("OPENBLAS_NUM_THREADS") == nil {
            setenv("OPENBLAS_NUM_THREADS", "1", 1)
        }
    }

    /// The OpenBLAS core type to force for a CPU with these flags, or nil to let OpenBLAS decide.
    static func coreType(cpuFlags: Set<Substring>) -> String? {
        if cpuFlags.contains("avx512f") { return "SkylakeX" }
        if cpuFlags.contains("avx2") { return "Haswell" }
        return nil
    }

    /// The flags of the first processor listed in `/proc/cpuinfo` (empty if unreadable).
    private static func cpuFlags() -> Set<Substring> {
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":")
        else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " "))
    }
}
