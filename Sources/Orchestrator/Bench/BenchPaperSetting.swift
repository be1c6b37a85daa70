/// A setting of the FedAvg paper's MNIST experiments (McMahan et al. 2017), named
/// `mnist-MODEL-SPLIT-RUN`: MODEL `2nn` (the `mlp`) or `cnn`; SPLIT `iid` or `noniid`
/// (the pathological 2-shards-per-client split); RUN `eE-bB` (FedAvg with E local epochs
/// and batch B, `binf` for the full local data set) or `fedsgd`. K = 100, C = 0.1.
struct BenchPaperSetting: Equatable, Encodable {
    var name: String
    var model: String
    var partition: String
    var strategy: String
    var localEpochs: Int
    /// nil for B = ∞.
    var batchSize: Int?
    /// The paper's target: 97 % for the 2NN, 99 % for the CNN.
    var target: Double
    /// Rounds the paper needed to reach `target`, where it reports the setting.
    var paperRounds: Int?

    /// Examples of valid names.
    static let examples = ["mnist-2nn-iid-e1-b10", "mnist-cnn-iid-e5-b10", "mnist-cnn-noniid-e5-b10", "mnist-cnn-iid-fedsgd"]

    init(_ name: String) throws(UnknownPaperSetting) {
        let parts = name.split(separator: "-").map(String.init)
        guard parts.count >= 4, parts[0] == "mnist", ["2nn", "cnn"].contains(parts[1]), ["iid", "noniid"].contains(parts[2])
        else { throw UnknownPaperSetting(name) }
        self.name = name
        model = parts[1] == "2nn" ? "mlp" : "cnn"
        partition = parts[2] == "iid" ? "iid" : "shards"
        switch Array(parts.dropFirst(3)) {
        case ["fedsgd"]:
            (strategy, localEpochs, batchSize) = ("fedsgd", 1, nil)
        case let run where run.count == 2 && run[0].hasPrefix("e") && run[1].hasPrefix("b"):
            guard let epochs = Int(run[0].dropFirst()), epochs > 0 else { throw UnknownPaperSetting(name) }
            let batch = run[1].dropFirst()
            guard batch == "inf" || (Int(batch) ?? 0) > 0 else { throw UnknownPaperSetting(name) }
            (strategy, localEpochs, batchSize) = ("fedavg", epochs, Int(batch))
        default:
            throw UnknownPaperSetting(name)
        }
        target = model == "mlp" ? 0.97 : 0.99
        let key = "\(parts[1]) \(strategy == "fedsgd" ? "fedsgd" : "e\(localEpochs) b\(batchSize.map { "\($0)" } ?? "inf")")"
        paperRounds = Self.paperRounds[key].map { partition == "iid" ? $0.iid : $0.nonIID }
    }

    /// Rounds to target from the paper: Table 2 (CNN, 99 %) and Table 1 at C = 0.1
    /// (2NN, 97 %, E = 1), as transcribed in the project's docs/fl-anchors.md.
    static let paperRounds: [String: (iid: Int, nonIID: Int)] = [
        "cnn fedsgd": (626, 483), "cnn e5 binf": (179, 1000), "cnn e1 b50": (65, 600), "cnn e20 binf": (234, 672),
        "cnn e1 b10": (34, 350), "cnn e5 b50": (29, 334), "cnn e20 b50": (32, 426), "cnn e5 b10": (20, 229),
        "cnn e20 b10": (18, 173), "2nn fedsgd": (1474, 1796), "2nn e1 b10": (87, 664),
    ]

    enum CodingKeys: String, CodingKey {
        case name, model, partition, strategy, target
        case localEpochs = "local_epochs"
        case batchSize = "batch_size"
        case paperRounds = "paper_rounds_to_target"
    }

    /// `fedz run` arguments for this setting (100 clients, C = 0.1).
    var runArguments: [String] {
        [
            "--model", model, "--partition", partition, "--strategy", strategy, "--clients", "100", "--fraction", "0.1",
            "--local-epochs", "\(localEpochs)", "--batch-size", "\(batchSize ?? 60_000)",
        ]
    }
}

/// A paper setting name that does not parse.
struct UnknownPaperSetting: Error, CustomStringConvertible {
    var name: String
    init(_ name: String) { self.name = name }
    var description: String {
        "unknown setting '\(name)'; the form is mnist-{2nn|cnn}-{iid|noniid}-{eE-bB|eE-binf|fedsgd}, "
            + "e.g. \(BenchPaperSetting.examples.joined(separator: ", "))"
    }
}
