@testable import Learning
import Testing

/// CSV as a node's own data: the label column by name, features in file order, quotes and CRLF,
/// and every problem named by file, line and column.
extension LearningTests {
    @Suite struct CSVDataTests {
        static func problem(_ text: String, featureShape: [Int]? = nil, classCount: Int? = nil) -> String? {
            do {
                _ = try CSVData.parse(text, path: "d.csv", label: "y", featureShape: featureShape, classCount: classCount)
                return nil
            } catch {
                return error.description
            }
        }

        @Test func theLabelColumnIsFoundByNameAndTheRestAreFeatures() throws {
            let text = "a, y ,\"b,c\"\r\n1,0,2.5\r\n\r\n-3,2,\"4e1\"\n"
            let data = try CSVData.parse(text, path: "d.csv", label: "y")
            #expect(data.features == [1, 2.5, -3, 40])
            #expect(data.labels == [0, 2])
            #expect(data.featureShape == [2] && data.classCount == 3)
            let shaped = try CSVData.parse("y,p,q,r,s\n1,0,1,2,3\n", path: "d.csv", label: "y", featureShape: [2, 2], classCount: 10)
            #expect(shaped.featureShape == [2, 2] && shaped.classCount == 10 && shaped.count == 1)
        }

        @Test func everyProblemNamesTheFileLineAndColumn() {
            #expect(Self.problem("") == "file d.csv: empty: no header row")
            #expect(Self.problem("a,b\n1,2\n") == "file d.csv: line 1: no column named 'y'; the columns are a, b")
            #expect(Self.problem("a,y\n") == "file d.csv: line 1: a header and no rows")
            #expect(Self.problem("a,y\n1,0\n2\n") == "file d.csv: line 3: 1 field(s), the header has 2")
            #expect(Self.problem("a,y\n1,0\n\nx,1\n") == "file d.csv: line 4: column a: 'x' is not a finite number")
            #expect(Self.problem("a,y\nnan,1\n") == "file d.csv: line 2: column a: 'nan' is not a finite number")
            #expect(Self.problem("a,y\n1,-1\n") == "file d.csv: line 2: label '-1' is not a class (an integer ≥ 0)")
            #expect(Self.problem("a,y\n1,1.5\n") == "file d.csv: line 2: label '1.5' is not a class (an integer ≥ 0)")
            #expect(Self.problem("a,y\n1,10\n", classCount: 10) == "file d.csv: line 2: label '10' is not a class in 0..<10")
            #expect(Self.problem("a,y\n\"1,0\n") == "file d.csv: line 2: a quote is not closed")
            #expect(Self.problem("a,b,y\n1,2,0\n", featureShape: [28, 28])
                == "file d.csv: line 1: 2 feature column(s), but the model takes [28, 28] = 784 values a sample")
        }
    }
}
