namespace JwtIssuer.Tests.Infrastructure;

/// <summary>
/// A test needs something this machine lacks (a PostgreSQL server, nginx). On a developer machine it is
/// skipped with a message that says how to provide it; in CI (CI=true) it fails, since .ci/run installs
/// everything and an absence there means the run proves nothing.
/// </summary>
public static class Requirement
{
    public static void Missing(string message)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
    }
}
