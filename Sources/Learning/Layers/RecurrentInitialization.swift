/// Weights of a recurrent layer: uniform in ±1/sqrt(hidden), as PyTorch's RNN and LSTM draw them.
enum RecurrentInitialization {
    /// A [rows, columns] tensor uniform in ±1/sqrt(hidden).
    static func weights<G: RandomNumberGenerator>(rows: Int, columns: Int, hidden: Int,
                                                  generator: inout G) -> Tensor {
        let limit = 1 / Float(hidden).squareRoot()
        return Tensor(shape: [rows, columns],
                      values: (0..<(rows * columns)).map { _ in Float.random(in: -limit...limit, using: &generator) })
    }
}
