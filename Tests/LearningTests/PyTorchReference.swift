import Foundation
@testable import Learning

/// What the `torch.nn` module equivalent to a definition computes, written from PyTorch's
/// documentation over PyTorch's layouts only: NCHW maps, `nn.Linear` weight [out, in],
/// `nn.Conv2d` weight [out, in, kh, kw] (cross-correlation), `nn.Flatten` in (c, h, w) order,
/// `nn.LSTM` gates (i, f, g, o) with both biases, `nn.RNN` with tanh. One sample, naive loops:
/// the tests run a network's exported state dict through it and compare with fedz's `predict`.
enum PyTorchReference {
    /// A per-sample activation in PyTorch's layout: [C, H, W], [steps, features] or [features].
    struct Activation {
        var shape: [Int]
        var values: [Float]
    }

    /// The module's output for one fedz `sample` (in fedz's layout; moved to CHW here), with the
    /// weights of `state` looked up by the layers' names.
    static func forward(_ definition: ModelDefinition, state: [String: Tensor], sample: [Float]) throws -> [Float] {
        let names = try definition.describe().map(\.name)
        let input = definition.input
        var x: Activation
        if input.count == 3 {
            let (h, w, c) = (input[0], input[1], input[2])
            var chw = [Float](repeating: 0, count: sample.count)
            for y in 0..<h { for xx in 0..<w { for k in 0..<c { chw[(k * h + y) * w + xx] = sample[(y * w + xx) * c + k] } } }
            x = Activation(shape: [c, h, w], values: chw)
        } else if input.count == 2, case .conv2d = definition.layers.first {
            x = Activation(shape: [1] + input, values: sample)
        } else {
            x = Activation(shape: input, values: sample)
        }
        var sequence = false
        for (layer, name) in zip(definition.layers, names) {
            func tensor(_ suffix: String) -> Tensor { state["\(name).\(suffix)"]! }
            switch layer {
            case let .conv2d(_, _, stride, padding, _):
                x = convolution(x, weight: tensor("weight"), bias: tensor("bias").values, stride: stride, padding: padding)
                sequence = false
            case let .maxPool2d(size, stride):
                x = pool(x, size: size, stride: stride ?? size[0], max: true)
            case let .avgPool2d(size, stride):
                x = pool(x, size: size, stride: stride ?? size[0], max: false)
            case .flatten:
                x = Activation(shape: [x.values.count], values: x.values)
                sequence = false
            case .dropout:
                break
            case .relu:
                x.values = x.values.map { max(0, $0) }
            case .tanh:
                x.values = x.values.map { Foundation.tanh($0) }
            case .sigmoid:
                x.values = x.values.map { 1 / (1 + Foundation.exp(-$0)) }
            case .dense:
                let rows = sequence && x.shape.count == 2 ? x.shape[0] : 1
                let weight = tensor("weight")
                let step = x.values.count / rows
                var output: [Float] = []
                for row in 0..<rows {
                    output += linear(Array(x.values[(row * step)..<((row + 1) * step)]), weight: weight, bias: tensor("bias").values)
                }
                x = Activation(shape: rows > 1 || sequence ? [rows, weight.shape[0]] : [weight.shape[0]], values: output)
            case let .embedding(_, dimensions):
                let table = tensor("weight").values
                x = Activation(shape: [x.values.count, dimensions], values: x.values.flatMap { id in
                    Array(table[(Int(id) * dimensions)..<((Int(id) + 1) * dimensions)])
                })
                sequence = true
            case let .lstm(hidden), let .rnn(hidden):
                let isLSTM = if case .lstm = layer { true } else { false }
                x = recurrent(
                    x, hidden: hidden, lstm: isLSTM, weightIH: tensor("weight_ih_l0"), weightHH: tensor("weight_hh_l0"),
                    biasIH: tensor("bias_ih_l0").values, biasHH: tensor("bias_hh_l0").values)
                sequence = true
            }
        }
        return x.values
    }

    /// `nn.Linear`: weight [out, in] times `input`, plus bias.
    static func linear(_ input: [Float], weight: Tensor, bias: [Float]) -> [Float] {
        let (outputs, inputs) = (weight.shape[0], weight.shape[1])
        return (0..<outputs).map { o in
            var sum = bias[o]
            for i in 0..<inputs { sum += weight.values[o * inputs + i] * input[i] }
            return sum
        }
    }

    /// `nn.Conv2d` over [C, H, W] with weight [F, C, kh, kw]; 'same' pads as `padding="same"`
    /// does at stride 1 (the odd extra row and column after), valid pads nothing.
    static func convolution(_ x: Activation, weight: Tensor, bias: [Float], stride: Int, padding: PaddingDefinition) -> Activation {
        let (channels, height, width) = (x.shape[0], x.shape[1], x.shape[2])
        let (filters, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3])
        var (top, left, outHeight, outWidth) = (0, 0, 0, 0)
        switch padding {
        case .valid:
            (outHeight, outWidth) = ((height - kh) / stride + 1, (width - kw) / stride + 1)
        case .same:
            (outHeight, outWidth) = ((height + stride - 1) / stride, (width + stride - 1) / stride)
            top = max((outHeight - 1) * stride + kh - height, 0) / 2
            left = max((outWidth - 1) * stride + kw - width, 0) / 2
        case let .explicit(rows, columns):
            (top, left) = (rows, columns)
            (outHeight, outWidth) = ((height + 2 * rows - kh) / stride + 1, (width + 2 * columns - kw) / stride + 1)
        }
        var output = [Float](repeating: 0, count: filters * outHeight * outWidth)
        for f in 0..<filters {
            for oy in 0..<outHeight {
                for ox in 0..<outWidth {
                    var sum = bias[f]
                    for c in 0..<channels {
                        for ky in 0..<kh {
                            let y = oy * stride + ky - top
                            guard y >= 0 && y < height else { continue }
                            for kx in 0..<kw {
                                let xx = ox * stride + kx - left
                                guard xx >= 0 && xx < width else { continue }
                                sum += weight.values[((f * channels + c) * kh + ky) * kw + kx] * x.values[(c * height + y) * width + xx]
                            }
                        }
                    }
                    output[(f * outHeight + oy) * outWidth + ox] = sum
                }
            }
        }
        return Activation(shape: [filters, outHeight, outWidth], values: output)
    }

    /// `nn.MaxPool2d` / `nn.AvgPool2d` over [C, H, W], no padding.
    static func pool(_ x: Activation, size: [Int], stride: Int, max isMax: Bool) -> Activation {
        let (channels, height, width) = (x.shape[0], x.shape[1], x.shape[2])
        let (outHeight, outWidth) = ((height - size[0]) / stride + 1, (width - size[1]) / stride + 1)
        var output: [Float] = []
        for c in 0..<channels {
            for oy in 0..<outHeight {
                for ox in 0..<outWidth {
                    var taps: [Float] = []
                    for ky in 0..<size[0] {
                        for kx in 0..<size[1] { taps.append(x.values[(c * height + oy * stride + ky) * width + ox * stride + kx]) }
                    }
                    output.append(isMax ? taps.max()! : taps.reduce(0, +) / Float(taps.count))
                }
            }
        }
        return Activation(shape: [channels, outHeight, outWidth], values: output)
    }

    /// `nn.LSTM` / `nn.RNN` (one layer, batch_first) over [steps, features], zero initial state.
    static func recurrent(
        _ x: Activation, hidden: Int, lstm: Bool, weightIH: Tensor, weightHH: Tensor, biasIH: [Float], biasHH: [Float]
    ) -> Activation {
        let steps = x.shape[0], features = x.shape[1]
        var (h, c) = ([Float](repeating: 0, count: hidden), [Float](repeating: 0, count: hidden))
        var output: [Float] = []
        for step in 0..<steps {
            let input = Array(x.values[(step * features)..<((step + 1) * features)])
            let projected = linear(input, weight: weightIH, bias: biasIH)
            let carried = linear(h, weight: weightHH, bias: biasHH)
            let z = zip(projected, carried).map { $0 + $1 }
            if lstm {
                func sigmoid(_ v: Float) -> Float { 1 / (1 + Foundation.exp(-v)) }
                for j in 0..<hidden {
                    let (i, f, g, o) = (sigmoid(z[j]), sigmoid(z[hidden + j]), Foundation.tanh(z[2 * hidden + j]), sigmoid(z[3 * hidden + j]))
                    c[j] = f * c[j] + i * g
                    h[j] = o * Foundation.tanh(c[j])
                }
            } else {
                h = z.map { Foundation.tanh($0) }
            }
            output += h
        }
        return Activation(shape: [steps, hidden], values: output)
    }
}
