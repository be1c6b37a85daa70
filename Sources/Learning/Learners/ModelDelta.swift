/// What a client sends instead of its weights: the change its local training made.
public enum ModelDelta {
    /// `local − global`, tensor by tensor; both must have the same shapes.
    public static func between(local: [Tensor], global: [Tensor]) -> [Tensor] {
        zip(local, global).map { local, global in
            Tensor(shape: local.shape, values: zip(local.values, global.values).map { $0 - $1 })
        }
    }
}
