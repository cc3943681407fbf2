// Shared test support: fakes of external services (Flow Repository, …) that enforce their real rules.
[assembly: System.CLSCompliant(false)]
