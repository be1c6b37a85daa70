/// A feed-forward model: layers applied in order to a batch. Not Sendable: it keeps
/// per-batch buffers and lives on one thread.
public final class Sequential {
    /// Per-sample input shape, e.g. [28, 28].
    public let inputShape: [Int]
    /// Per-sample output shape, e.g. [10] logits.
    public let outputShape: [Int]
    /// Every trainable parameter, in the order of `parameterSpecs`.
    public let parameterSpecs: [ParameterSpec]

    let layers: [any Layer]
    /// Trainable parameters of all layers, in `parameterSpecs` order.
    let trainable: [Parameter]
    /// activations[0] is the batch input, activations[i + 1] the output of layers[i].
    private var activations: [Tensor]
    /// gradients[i] is dLoss/d(activations[i]) for i ≥ 1.
    private var gradients: [Tensor]

    /// Chains `layers`; throws if a layer cannot take its predecessor's output shape.
    init(inputShape: [Int], layers: [any Layer]) throws {
        var shape = inputShape
        var specs: [ParameterSpec] = []
        var kindCounts: [String: Int] = [:]
        for layer in layers {
            let index = kindCounts[layer.kind, default: 0]
            kindCounts[layer.kind] = index + 1
            guard let next = layer.outputShape(for: shape) else {
                throw LearningError(.incompatibleShape(layer: "\(layer.kind)\(index)", inputShape: shape))
            }
            for parameter in layer.parameters {
                specs.append(ParameterSpec(name: "\(layer.kind)\(index).\(parameter.name)",
                                           shape: parameter.value.shape))
            }
            shape = next
        }
        self.inputShape = inputShape
        self.outputShape = shape
        self.layers = layers
        self.parameterSpecs = specs
        self.trainable = layers.flatMap(\.parameters)
        self.activations = Array(repeating: Tensor(zeros: [0]), count: layers.count + 1)
        self.gradients = activations
    }

    /// Total number of trainable scalars.
    public var parameterCount: Int { parameterSpecs.reduce(0) { $0 + $1.count } }

    /// Copies of the parameters, in `parameterSpecs` order.
    public func parameters() -> [Tensor] { trainable.map(\.value) }

    /// Replaces all parameters; checks count, shapes and finiteness before changing anything.
    public func setParameters(_ p: [Tensor]) throws {
        try checkParameters(p, fit: parameterSpecs)
        for (parameter, tensor) in zip(trainable, p) { parameter.value = tensor }
    }

    /// Logits for a batch: `input` holds n samples of `inputShape` (shape [n] + inputShape,
    /// or just inputShape for one sample); the result has shape [n] + outputShape.
    public func predict(_ input: Tensor) -> Tensor {
        let sampleSize = inputShape.elementCount
        precondition(sampleSize > 0 && input.count % sampleSize == 0,
                     "predict: \(input.count) values are not a whole number of \(inputShape) samples")
        let batch = input.count / sampleSize
        forward(batch: batch) { _ = $0.update(fromContentsOf: input.values) }
        return output
    }

    /// The last layer's output from the most recent `forward`.
    var output: Tensor { activations[layers.count] }

    /// Runs a batch forward; `fill` writes the batch (batch × input size floats) into the input buffer.
    /// `training` turns dropout on.
    func forward(batch: Int, training: Bool = false, fill: (UnsafeMutableBufferPointer<Float>) -> Void) {
        for case let dropout as Dropout in layers where dropout.isTraining != training { dropout.isTraining = training }
        activations[0].resize(to: [batch] + inputShape)
        activations[0].values.withUnsafeMutableBufferPointer { fill($0) }
        for (index, layer) in layers.enumerated() {
            layer.forward(activations[index], into: &activations[index + 1])
        }
    }

    /// A model with the same layers whose parameters share this model's values, for data-parallel
    /// training (see `Layer.replica()`).
    func replica() -> Sequential {
        // The layers are copies of ones that already chained, so the shapes fit.
        try! Sequential(inputShape: inputShape, layers: layers.map { $0.replica() })
    }

    /// Drops this replica's references to its parameter values, so the original can update them in place.
    func releaseParameterValues() {
        for parameter in trainable { parameter.value = Sequential.released }
    }

    /// Points this replica's parameter values at `model`'s (no copy).
    func shareParameterValues(of model: Sequential) {
        for (parameter, source) in zip(trainable, model.trainable) { parameter.value = source.value }
    }

    private static let released = Tensor(zeros: [0])

    /// Back-propagates dLoss/dOutput of the last `forward`, leaving each parameter's gradient set.
    func backward(outputGradient: Tensor) {
        for index in layers.indices.reversed() {
            let upstream = index == layers.count - 1 ? outputGradient : gradients[index + 1]
            layers[index].backward(input: activations[index], output: activations[index + 1],
                                   outputGradient: upstream, inputGradient: &gradients[index],
                                   computeInputGradient: index > 0)
        }
    }
}
