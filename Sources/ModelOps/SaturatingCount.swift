extension Int {
    /// `self + other` for counts that peers report: never traps, stops at `Int.max`, and treats
    /// a negative `other` as nothing counted.
    func addingCount(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(Swift.max(other, 0))
        return overflow ? .max : sum
    }
}
