import Foundation

/// JSON as fedz writes and reads it (events, summaries, checkpoints, bench reports, the dashboard): numbers JSON
/// cannot hold — a diverged training loss, an infinite Rényi divergence — travel as the
/// strings "inf", "-inf" and "nan" instead of failing the whole document.
enum FedzJSON {
    static func encoder(_ formatting: JSONEncoder.OutputFormatting = [.sortedKeys]) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = formatting
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}
