using JwtIssuer.Redirects;
using JwtIssuer.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace JwtIssuer;

/// <summary>Imports the keys and compiles the allowlist while the host starts, not on the first sign-in.</summary>
internal sealed class IssuerWarmup(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Constructing these imports every key and parses every consumer URL; a bad one fails start-up here.
        services.GetRequiredService<RedirectPolicy>();
        services.GetRequiredService<TokenMinter>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
