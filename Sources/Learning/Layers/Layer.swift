/// One stage of a `Sequential` model. Tensors passed in and out are whole batches:
/// shape `[batch] + per-sample shape`. A layer may keep whatever it needs between
/// `forward` and the following `backward` (e.g. an im2col buffer or recurrent states).
protocol Layer: AnyObject {
    /// Short lowercase kind used in parameter names, e.g. "dense" gives "dense0.weight".
    var kind: String { get }
    /// Trainable parameters in a fixed order (empty for parameter-free layers).
    var parameters: [Parameter] { get }
    /// The per-sample output shape for a per-sample input shape; nil if the layer can't take it.
    func outputShape(for inputShape: [Int]) -> [Int]?
    /// Writes the layer's output for `input` into `output`, resizing it as needed.
    func forward(_ input: Tensor, into output: inout Tensor)
    /// Back-propagates `outputGradient` (dLoss/dOutput of the last `forward`): overwrites each
    /// parameter's gradient and, when `computeInputGradient`, writes dLoss/dInput to `inputGradient`.
    func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                  inputGradient: inout Tensor, computeInputGradient: Bool)
    /// A layer with the same configuration whose parameters share this layer's values (see
    /// `Parameter.replica()`) but have gradients and buffers of their own: for data-parallel training.
    func replica() -> any Layer
}
