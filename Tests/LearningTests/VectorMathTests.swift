import Foundation
@testable import Learning
import Testing

extension LearningTests {
    @Suite struct VectorMathTests {
        /// Points from −100 to 100 (beyond the clamping range) and a count that leaves a tail of 5.
        static let points: [Float] = (0..<2_005).map { Float($0) * 0.1 - 100 }

        @Test func expAgreesWithFoundation() {
            for start in stride(from: 0, to: Self.points.count - 8, by: 8) {
                let x = SIMD8<Float>(Self.points[start..<(start + 8)])
                let y = VectorMath.exp(x)
                for lane in 0..<8 {
                    let expected = Foundation.exp(Double(min(max(x[lane], -87.3), 88.3)))
                    #expect(abs(Double(y[lane]) - expected) <= 4e-7 * expected, "exp(\(x[lane])) = \(y[lane])")
                }
            }
        }

        @Test func sigmoidAndTanhAgreeWithFoundation() {
            var sigmoid = Self.points, tanh = [Float](repeating: .nan, count: Self.points.count)
            sigmoid.withUnsafeMutableBufferPointer { VectorMath.sigmoid($0.baseAddress!, count: $0.count) }
            Self.points.withUnsafeBufferPointer { x in
                tanh.withUnsafeMutableBufferPointer { VectorMath.tanh(x.baseAddress!, into: $0.baseAddress!, count: x.count) }
            }
            for (index, x) in Self.points.enumerated() {
                #expect(abs(Double(sigmoid[index]) - 1 / (1 + Foundation.exp(-Double(x)))) < 2e-7, "sigmoid(\(x))")
                #expect(abs(Double(tanh[index]) - Foundation.tanh(Double(x))) < 3e-7, "tanh(\(x))")
            }
        }
    }
}
