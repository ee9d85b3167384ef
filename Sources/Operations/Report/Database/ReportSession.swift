/// A connection the report runs its statements on. Temporary tables created with `execute` are
/// visible to later statements of the same session.
protocol ReportSession: Sendable {
    var dialect: ReportDialect { get }
    /// Runs a statement that returns no rows.
    func execute(_ sql: String) async throws(ReportError)
    /// Runs a query; every row has as many values as the query has columns.
    func query(_ sql: String) async throws(ReportError) -> [[ReportValue]]
    /// Closes the connection.
    func close() async
}
