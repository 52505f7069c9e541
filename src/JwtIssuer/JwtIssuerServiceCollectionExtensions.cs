using JwtIssuer.Access;
using JwtIssuer.Configuration;
using JwtIssuer.Diagnostics;
using JwtIssuer.Keys;
using JwtIssuer.Redirects;
using JwtIssuer.Tokens;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the issuer: options validated at start-up, keys loaded once, the redirect policy and the minter.</summary>
public static class JwtIssuerServiceCollectionExtensions
{
    /// <summary>Adds the issuer, bound to the <c>JwtIssuer</c> section of <paramref name="configuration"/>.</summary>
    public static IServiceCollection AddJwtIssuer(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<JwtIssuerOptions>()
            .Bind(configuration.GetSection(JwtIssuerOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JwtIssuerOptions>, JwtIssuerOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<IssuerMetrics>();
        services.TryAddSingleton<TokenAudit>();
        services.TryAddSingleton<SigningKeyRing>();
        services.TryAddSingleton<RedirectPolicy>();
        services.TryAddSingleton<TokenMinter>();
        services.TryAddSingleton<TokenVerifier>();
        services.TryAddSingleton<ITokenAccessPolicy, AllowAuthenticatedUsers>();
        services.AddHostedService<JwtIssuer.IssuerWarmup>();
        return services;
    }
}
