import Foundation

/// Archives written by NumPy 2.4 (`np.savez`, `np.savez_compressed`), base64-encoded, so that the
/// readers are checked against the real format without Python at test time:
///
///     x = np.array([[0.5, -1.25, 3], [1, 2, 3], [4, 5, 6.5], [-7, 8, 9]], dtype=np.float32)
///     y = np.array([0, 2, 1, 2], dtype=np.int64)
///     np.savez(f, x=x, y=y)               # stored
///     np.savez_compressed(f, x=x, y=y)    # deflate
///     np.savez_compressed(f, x=np.array([[[0, 255], [51, 102]], [[1, 2], [3, 4]]], dtype=np.uint8),
///                         y=np.array([1, 0], dtype=np.uint8))
enum NumPyFixtures {
    static let stored = bytes("""
        UEsDBC0AAAAAAAAAIQD+9qwy//////////8FABQAeC5ucHkBABAAsAAAAAAAAACwAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzog
        JzxmNCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICg0LCAzKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAg
        ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAAAAPwAAoL8AAEBAAACAPwAAAEAAAEBAAACAQAAAoEAAANBAAADgwAAA
        AEEAABBBUEsDBC0AAAAAAAAAIQCH3qZs//////////8FABQAeS5ucHkBABAAoAAAAAAAAACgAAAAAAAAAJNOVU1QWQEAdgB7J2Rl
        c2NyJzogJzxpOCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICg0LCksIH0gICAgICAgICAgICAgICAgICAgICAg
        ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAAAAAAAAAAACAAAAAAAAAAEAAAAAAAAAAgAAAAAAAABQSwEC
        LQMtAAAAAAAAACEA/vasMrAAAACwAAAABQAAAAAAAAAAAAAAgAEAAAAAeC5ucHlQSwECLQMtAAAAAAAAACEAh96mbKAAAACgAAAA
        BQAAAAAAAAAAAAAAgAHnAAAAeS5ucHlQSwUGAAAAAAIAAgBmAAAAvgEAAAAA
        """)

    static let compressed = bytes("""
        UEsDBC0AAAAIAAAAIQD+9qwy//////////8FABQAeC5ucHkBABAAsAAAAAAAAABrAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6l
        oG6TZqKuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GiY6CsaaOgq1CmQDLgYGBnsGhgX7GRgcHBgYGoBsBgcoG4gXAPEF
        IH5wACjuyMAg4AgAUEsDBC0AAAAIAAAAIQCH3qZs//////////8FABQAeS5ucHkBABAAoAAAAAAAAABMAAAAAAAAAJvsF+obEMnI
        UMZQrZ6SWpxcpG6loG6TaaGuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GiY6mjoKtQoUAC4GKGCC0oxofABQSwECLQMt
        AAAACAAAACEA/vasMmsAAACwAAAABQAAAAAAAAAAAAAAgAEAAAAAeC5ucHlQSwECLQMtAAAACAAAACEAh96mbEwAAACgAAAABQAA
        AAAAAAAAAAAAgAGiAAAAeS5ucHlQSwUGAAAAAAIAAgBmAAAAJQEAAAAA
        """)

    static let pixels = bytes("""
        UEsDBC0AAAAIAAAAIQCYTqfJ//////////8FABQAeC5ucHkBABAAiAAAAAAAAABPAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6l
        oF5Taqiuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GkY6CiCkqaNQq0Ae4GL4b5zGyMTMAgBQSwMELQAAAAgAAAAhAE5j
        a7H//////////wUAFAB5Lm5weQEAEACCAAAAAAAAAEYAAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWgXlNqqK6joJ6WX1RSlJgX
        n1+UkgoSd0vMKU4FihdnJBakAvkaRjqaOgq1ChQALkYGAFBLAQItAy0AAAAIAAAAIQCYTqfJTwAAAIgAAAAFAAAAAAAAAAAAAACA
        AQAAAAB4Lm5weVBLAQItAy0AAAAIAAAAIQBOY2uxRgAAAIIAAAAFAAAAAAAAAAAAAACAAYYAAAB5Lm5weVBLBQYAAAAAAgACAGYA
        AAADAQAAAAA=
        """)

    private static func bytes(_ base64: String) -> [UInt8] {
        [UInt8](Data(base64Encoded: base64.replacingOccurrences(of: "\n", with: ""))!)
    }
}
