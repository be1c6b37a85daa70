/// Maps each token id of a [steps] sample (ids stored as Floats) to a learned vector,
/// giving [steps, dimensions]. Ids must be whole numbers in `0..<vocabulary`; there is no input gradient.
final class Embedding: Layer {
    let kind = "embedding"
    let vocabulary: Int
    let dimensions: Int
    let weight: Parameter
    var parameters: [Parameter] { [weight] }

    /// A table of `vocabulary` × `dimensions` weights drawn uniformly from ±1.
    init<G: RandomNumberGenerator>(vocabulary: Int, dimensions: Int, generator: inout G) {
        precondition(vocabulary > 0 && dimensions > 0, "Embedding: vocabulary and dimensions must be positive")
        self.vocabulary = vocabulary
        self.dimensions = dimensions
        let values = (0..<(vocabulary * dimensions)).map { _ in Float.random(in: -1...1, using: &generator) }
        weight = Parameter(name: "weight", value: Tensor(shape: [vocabulary, dimensions], values: values))
    }

    private init(replicating other: Embedding) {
        vocabulary = other.vocabulary
        dimensions = other.dimensions
        weight = other.weight.replica()
    }

    func replica() -> any Layer { Embedding(replicating: self) }

    func outputShape(for inputShape: [Int]) -> [Int]? {
        inputShape.count == 1 ? inputShape + [dimensions] : nil
    }

    func forward(_ input: Tensor, into output: inout Tensor) {
        output.resize(to: input.shape + [dimensions])
        let (vocabulary, dimensions) = (vocabulary, dimensions)
        input.values.withUnsafeBufferPointer { ids in
            weight.value.values.withUnsafeBufferPointer { table in
                output.values.withUnsafeMutableBufferPointer { y in
                    for position in 0..<ids.count {
                        let id = Int(ids[position])
                        precondition(id >= 0 && id < vocabulary, "Embedding: token id \(ids[position]) outside 0..<\(vocabulary)")
                        (y.baseAddress! + position * dimensions)
                            .update(from: table.baseAddress! + id * dimensions, count: dimensions)
                    }
                }
            }
        }
    }

    func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                  inputGradient: inout Tensor, computeInputGradient: Bool) {
        let dimensions = dimensions
        weight.gradient.values.withUnsafeMutableBufferPointer { dw in
            dw.update(repeating: 0)
            input.values.withUnsafeBufferPointer { ids in
                outputGradient.values.withUnsafeBufferPointer { dy in
                    for position in 0..<ids.count {
                        let row = Int(ids[position]) * dimensions, source = position * dimensions
                        for j in 0..<dimensions { dw[row + j] += dy[source + j] }
                    }
                }
            }
        }
        guard computeInputGradient else { return }
        inputGradient.resize(to: input.shape)
        inputGradient.values.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
}
