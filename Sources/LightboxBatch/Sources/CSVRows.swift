import SwiftCSV

/// A CSV file's header and rows, read by SwiftCSV; column names are matched without case.
struct CSVRows {
    let header: [String]
    let rows: [[String: String]]

    init(_ text: String) throws {
        let csv: CSV<Named>
        do {
            csv = try CSV<Named>(string: text, delimiter: .comma, loadColumns: false)
        } catch {
            throw SourceError("The CSV cannot be parsed: \(error)")
        }
        header = csv.header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        rows = csv.rows.map { row in
            Dictionary(row.map { ($0.key.trimmingCharacters(in: .whitespaces).lowercased(), $0.value) },
                       uniquingKeysWith: { first, _ in first })
        }
    }
}

extension Dictionary where Key == String, Value == String {
    /// The trimmed value of `column`, nil when absent or blank.
    func field(_ column: String) -> String? {
        guard let value = self[column]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }
}
