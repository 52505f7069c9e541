using JwtIssuer.Configuration;
using JwtIssuer.Server.AgentConsole;
using JwtIssuer.Server.Layout;
using JwtIssuer.Server.SignIn;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using NetEscapades.AspNetCore.SecurityHeaders;
using NetEscapades.AspNetCore.SecurityHeaders.Headers;
using NetEscapades.AspNetCore.SecurityHeaders.Infrastructure;

namespace JwtIssuer.Server.Security;

/// <summary>
/// The security headers of every response, with NetEscapades.AspNetCore.SecurityHeaders: a page policy by default,
/// and named policies that a page or endpoint chooses in its metadata (<c>[SecurityHeadersPolicy(...)]</c> or
/// <c>.WithSecurityHeadersPolicy(...)</c>), never by comparing paths. Headers are set as the response starts, so
/// error pages written by the library or the exception handler (which clears headers set earlier) carry them too.
/// </summary>
internal static class SecurityHeadersSetup
{
    /// <summary>The agent console page: the page policy, and the frames it may show.</summary>
    public const string ConsolePolicy = "console";

    /// <summary>The admin area: the page policy, never framed by anyone, ourselves included.</summary>
    public const string AdminPolicy = "admin";

    /// <summary>An error page, whatever endpoint it answers for: the page policy, and no form may be sent from it.</summary>
    private const string ErrorPolicy = "error";

    /// <summary>An error page of the admin area (a 403, a refused form): the error policy, and never framed either.</summary>
    private const string AdminErrorPolicy = "admin-error";

    // One year. Not includeSubDomains or preload: which other hosts serve HTTPS is not ours to promise.
    private const int HstsSeconds = 31_536_000;

    public static IHostApplicationBuilder AddSecurityHeaders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<FrameAncestors>();
        builder.Services.AddSecurityHeaderPolicies((policies, services) =>
        {
            var ancestors = services.GetRequiredService<FrameAncestors>().Origins;
            var hsts = !services.GetRequiredService<IHostEnvironment>().IsDevelopment();
            var logo = services.GetRequiredService<IOptions<BrandingOptions>>().Value.LogoOrigin;
            HeaderPolicyCollection Page(IReadOnlyList<string>? frameAncestors, Action<CspBuilder>? more = null) => PagePolicy(frameAncestors, hsts, logo, more);
            policies.SetDefaultPolicy(Page(ancestors));
            var console = services.GetRequiredService<IOptions<AgentConsoleOptions>>().Value;
            policies.AddPolicy(ConsolePolicy, Page(ancestors, csp =>
            {
                csp.AddFrameSrc().Self().From(ConsoleFrames(services, console));
                if (console.Mode == ConsoleMode.Sdk)
                {
                    // Comm100's SDK script from its origin, and our one inline script by its nonce; nothing else.
                    csp.AddScriptSrc().From(ConfiguredUrl.Origin(console.Sdk!.BaseUri!)).WithNonce();
                }
            }));
            policies.AddPolicy(AdminPolicy, Page(frameAncestors: null).AddFrameOptionsDeny());
            foreach (var consumer in services.GetRequiredService<IssuerModel>().Consumers.Values.Where(c => c.Profile == ConsumerProfile.Zendesk))
            {
                // The page that posts a Zendesk token: its form may go to the consumer's origin alone, its one script
                // runs by its nonce, and nobody frames it.
                policies.AddPolicy(SsoPostPolicy(consumer.Name), Page(frameAncestors: null, csp =>
                {
                    csp.AddFormAction().From([.. consumer.RedirectUrls.Select(url => ConfiguredUrl.Origin(new Uri(url))).Distinct(StringComparer.OrdinalIgnoreCase)]);
                    csp.AddScriptSrc().WithNonce();
                }).AddFrameOptionsDeny());
            }

            policies.AddPolicy(ErrorPolicy, Page(ancestors, csp => csp.AddFormAction().None()));
            policies.AddPolicy(AdminErrorPolicy, Page(frameAncestors: null, csp => csp.AddFormAction().None()).AddFrameOptionsDeny());
            policies.SetPolicySelector(context => context.HttpContext.Features.Get<ErrorPageMark>() is not null
                ? context.ConfiguredPolicies[IsAdmin(context.HttpContext, context.SelectedPolicy, context.ConfiguredPolicies) ? AdminErrorPolicy : ErrorPolicy]
                : context.HttpContext.Items[PolicyKey] is string chosen && context.ConfiguredPolicies.TryGetValue(chosen, out var policy) ? policy
                : context.SelectedPolicy);
        });
        return builder;
    }

    /// <summary>
    /// Whether an error page answers for the admin area: its endpoint chose the admin policy, or (the exception handler
    /// clears the endpoint before it writes its page) the endpoint that failed had.
    /// </summary>
    private static bool IsAdmin(HttpContext context, IReadOnlyHeaderPolicyCollection selected, IReadOnlyDictionary<string, IReadOnlyHeaderPolicyCollection> configured) =>
        ReferenceEquals(selected, configured[AdminPolicy])
        || context.Features.Get<IExceptionHandlerFeature>()?.Endpoint?.Metadata.GetMetadata<SecurityHeadersPolicyAttribute>()?.PolicyName == AdminPolicy;

    /// <summary>Where a page names the policy it chose at run time (the Zendesk post page: its consumer's).</summary>
    public const string PolicyKey = "JwtIssuer.SecurityHeadersPolicy";

    /// <summary>The policy of the page that posts a Zendesk consumer's token.</summary>
    public static string SsoPostPolicy(string consumer) => $"sso-post:{consumer.ToLowerInvariant()}";

    /// <summary>Marks the response as an error page, which gets <see cref="ErrorPolicy"/> instead of its endpoint's.</summary>
    public static void UseErrorPagePolicy(HttpContext context) => context.Features.Set(ErrorPageMark.Instance);

    /// <summary>
    /// Adds the headers middleware when the pipeline is built, not when this is called: its policies read the issuer's
    /// compiled settings, and those must be checked first, so a bad setting is reported in one line, not a stack trace.
    /// </summary>
    public static WebApplication UseSecurityHeaderPolicies(this WebApplication app)
    {
        app.Use(next =>
        {
            var headers = ((IApplicationBuilder)app).New();
            headers.UseSecurityHeaders();
            headers.Run(next);
            return headers.Build();
        });
        return app;
    }

    /// <summary>
    /// nosniff everywhere; HSTS over HTTPS outside Development and off loopback (as UseHsts does: a browser would
    /// otherwise refuse every plain-http development server); on HTML only, a CSP that loads our own assets alone and
    /// names who may frame us (<paramref name="frameAncestors"/>; null: nobody), no referrer (ReturnUrl carries the
    /// consumer's relayState), and no caching. A branding logo on another host is the one image from elsewhere.
    /// </summary>
    private static HeaderPolicyCollection PagePolicy(IReadOnlyList<string>? frameAncestors, bool hsts, string? logo, Action<CspBuilder>? more)
    {
        var policy = new HeaderPolicyCollection()
            .AddContentTypeOptionsNoSniff()
            // No form-action: browsers apply it to the redirects after a post too, and the sign-in post ends at the
            // consumer (POST /login, 302 /api/jwt, 302 consumer).
            .AddContentSecurityPolicy(csp =>
            {
                csp.AddDefaultSrc().Self();
                csp.AddObjectSrc().None();
                csp.AddBaseUri().None();
                if (logo is not null)
                {
                    csp.AddImgSrc().Self().From(logo);
                }

                more?.Invoke(csp);
                if (frameAncestors is null)
                {
                    csp.AddFrameAncestors().None();
                }
                else
                {
                    csp.AddFrameAncestors().Self().From(frameAncestors);
                }
            })
            .AddReferrerPolicyNoReferrer()
            .AddCustomHeader("Cache-Control", "no-store");
        foreach (var header in new[] { "Content-Security-Policy", "Referrer-Policy", "Cache-Control" })
        {
            policy[header] = new DocumentsOnly(policy[header]);
        }

        return hsts ? policy.AddStrictTransportSecurity(HstsSeconds, includeSubdomains: false, preload: false, "localhost", "127.0.0.1", "[::1]") : policy;
    }

    /// <summary>
    /// What the console page's frame may show: the console (the bare iframe's, or the one the SDK frames), our own pages (/api/jwt; sign in again when the session has
    /// expired; a refusal), the consumer URLs the token goes to (Comm100 may serve them from another host than the
    /// console) and, when there is one, the OpenID Connect provider's sign-in page; nothing else.
    /// </summary>
    private static IEnumerable<string> ConsoleFrames(IServiceProvider services, AgentConsoleOptions console)
    {
        var frames = new List<string>(services.GetRequiredService<IssuerModel>().ConsumerOrigins);
        if (console.ConsoleOrigin is { } origin)
        {
            frames.Insert(0, ConfiguredUrl.Origin(origin));
        }

        if (ConfiguredUrl.Parse(services.GetRequiredService<IOptions<AuthenticationSettings>>().Value.OpenIdConnect?.Authority) is { } provider)
        {
            frames.Add(ConfiguredUrl.Origin(provider));
        }

        return frames.Distinct(StringComparer.OrdinalIgnoreCase);
    }

    private sealed class ErrorPageMark
    {
        public static readonly ErrorPageMark Instance = new();
    }

    /// <summary>A header for HTML documents only: JSON, redirects and assets go without it.</summary>
    private sealed class DocumentsOnly(IHeaderPolicy inner) : IHeaderPolicy
    {
        public string Header => inner.Header;

        public void Apply(HttpContext context, CustomHeadersResult result)
        {
            if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
            {
                inner.Apply(context, result);
            }
        }
    }
}
