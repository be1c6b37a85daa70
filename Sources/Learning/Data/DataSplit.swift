/// Which part of a data set: the training samples or the held-out test samples.
public enum DataSplit: Sendable, CaseIterable {
    case train
    case test
}
