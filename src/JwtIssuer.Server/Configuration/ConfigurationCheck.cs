using JwtIssuer.Configuration;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.Sessions;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Configuration;

/// <summary>
/// Every configuration problem at once, found by reading each validated options value. Start-up and
/// <c>config check</c> both use it, so they can never disagree.
/// </summary>
internal static class ConfigurationCheck
{
    public static IReadOnlyList<string> Failures(IServiceProvider services)
    {
        var failures = new List<string>();
        Read<DatabaseOptions>(services, failures);
        Read<AgentSessionOptions>(services, failures);
        Read<JwtIssuerOptions>(services, failures);
        return failures;
    }

    private static void Read<T>(IServiceProvider services, List<string> failures) where T : class
    {
        try
        {
            _ = services.GetRequiredService<IOptions<T>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            failures.AddRange(ex.Failures);
        }
    }
}
