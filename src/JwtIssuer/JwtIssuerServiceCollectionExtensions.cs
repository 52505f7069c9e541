using JwtIssuer.Access;
using JwtIssuer.Configuration;
using JwtIssuer.Endpoints;
using JwtIssuer.Diagnostics;
using JwtIssuer.Redirects;
using JwtIssuer.Tokens;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the issuer: its settings compiled and checked at start-up, keys loaded once, the redirect policy and the minter.</summary>
public static class JwtIssuerServiceCollectionExtensions
{
    /// <summary>Adds the issuer, bound to the <c>JwtIssuer</c> section of <paramref name="configuration"/>.</summary>
    /// <remarks>A bad setting stops the host's start with every problem named. Calling it again changes nothing.</remarks>
    public static IServiceCollection AddJwtIssuer(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(service => service.ServiceType == typeof(IssuerModelCompiler)))
        {
            return services;
        }

        // Validation is compilation: the start-up check builds the model every service reads.
        services.AddSettings<JwtIssuerOptions>(configuration, JwtIssuerOptions.SectionName);
        services.AddSingleton<IssuerModelCompiler>();
        services.AddSingleton<IValidateOptions<JwtIssuerOptions>>(provider => provider.GetRequiredService<IssuerModelCompiler>());
        services.AddSingleton(provider => provider.GetRequiredService<IssuerModelCompiler>().ModelOf(provider.GetRequiredService<IOptionsMonitor<JwtIssuerOptions>>()));

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<IssuerMetrics>();
        services.TryAddSingleton<TokenAudit>();
        services.TryAddSingleton<RedirectPolicy>();
        services.TryAddSingleton<TokenMinter>();
        services.TryAddSingleton<TokenVerifier>();
        services.TryAddSingleton<ITokenAccessPolicy, AllowAuthenticatedUsers>();
        services.TryAddSingleton<JwtEndpoint.JwtEndpointServices>();
        return services;
    }
}
