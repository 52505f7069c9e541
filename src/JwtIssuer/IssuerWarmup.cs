using JwtIssuer.Redirects;
using JwtIssuer.Tokens;
using Microsoft.Extensions.Hosting;

namespace JwtIssuer;

/// <summary>Imports the keys and compiles the allowlist while the host starts, not on the first sign-in.</summary>
internal sealed class IssuerWarmup(RedirectPolicy redirects, TokenMinter minter) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(redirects);
        GC.KeepAlive(minter);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
