import Foundation

/// The entry points of OpenBLAS, loaded at run time so its CPU kernel can be chosen first.
///
/// OpenBLAS 0.3.21 misdetects this project's CPUs and falls back to slow "Prescott" kernels;
/// it reads `OPENBLAS_CORETYPE` only when the library loads. `load()` therefore sets that
/// variable from `/proc/cpuinfo` before `dlopen`: when unset, and also when it names a weaker
/// kernel than an AVX-512 CPU can run (some environments pin "Haswell" because older OpenBLAS
/// builds misbehave on some processors). Either way the loaded library must then pass
/// `GEMMSelfCheck` against a Float64 reference, or it is not used (the portable kernels are).
/// It also asks for a single BLAS thread (parallelism comes from `DataParallel`) unless told otherwise.
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
    /// The `OPENBLAS_CORETYPE` the environment had and `load()` replaced, if any.
    let replacedCoreType: String?

    /// What `load()` found: the library, or why it is not used.
    enum Outcome: Sendable {
        case loaded(OpenBLAS)
        case unavailable(String)
    }

    /// What loading found, once per process.
    static let outcome: Outcome = load()

    /// The process-wide instance, or nil when the library is missing or failed its self-check.
    static var shared: OpenBLAS? {
        if case let .loaded(blas) = outcome { return blas }
        return nil
    }

    private static func load() -> Outcome {
        let replaced = configureEnvironment()
        guard let handle = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL),
              let sgemm = dlsym(handle, "cblas_sgemm"),
              let saxpy = dlsym(handle, "cblas_saxpy")
        else { return .unavailable("libopenblas.so.0 not loaded") }
        var coreName = "unknown"
        if let symbol = dlsym(handle, "openblas_get_corename"),
           let name = unsafeBitCast(symbol, to: CoreName.self)() {
            coreName = String(cString: name)
        }
        let blas = OpenBLAS(sgemm: unsafeBitCast(sgemm, to: SGEMM.self), saxpy: unsafeBitCast(saxpy, to: SAXPY.self),
                            coreName: coreName, replacedCoreType: replaced)
        if let failure = GEMMSelfCheck.run(blas) { return .unavailable("OpenBLAS (\(coreName)) failed its self-check: \(failure)") }
        return .loaded(blas)
    }

    /// Sets `OPENBLAS_CORETYPE` from the CPU flags when unset or weaker than the CPU allows, and
    /// `OPENBLAS_NUM_THREADS` to 1 if unset. Returns the core type it replaced, if any.
    private static func configureEnvironment() -> String? {
        var replaced: String?
        if let coreType = coreType(cpuFlags: cpuFlags()) {
            let current = getenv("OPENBLAS_CORETYPE").map { String(cString: $0) }
            if current == nil || (coreType == "SkylakeX" && current!.lowercased() != "skylakex") {
                replaced = current
                setenv("OPENBLAS_CORETYPE", coreType, 1)
            }
        }
        if getenv("OPENBLAS_NUM_THREADS") == nil {
            setenv("OPENBLAS_NUM_THREADS", "1", 1)
        }
        return replaced
    }

    /// The OpenBLAS core type to force for a CPU with these flags, or nil to let OpenBLAS decide.
    /// SkylakeX kernels need AVX-512 F, CD, BW, DQ and VL; Haswell kernels AVX2 and FMA.
    static func coreType(cpuFlags: Set<Substring>) -> String? {
        if ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(cpuFlags.contains) { return "SkylakeX" }
        if cpuFlags.contains("avx2") && cpuFlags.contains("fma") { return "Haswell" }
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
