// Shared test support: fakes of external services (Flow Repository, …) that enforce their real rules, and the helpers
// every test project uses (Eventually, temporary SQLite files, MongoDB test databases, the test broker).
[assembly: System.CLSCompliant(false)]
