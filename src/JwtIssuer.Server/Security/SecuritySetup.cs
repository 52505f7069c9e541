using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Security;

internal static class SecuritySetup
{
    /// <summary>Sign-in rate limits (<c>SignInLimits:*</c>).</summary>
    public static IHostApplicationBuilder AddSecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SignInLimitOptions>()
            .Bind(builder.Configuration.GetSection(SignInLimitOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SignInLimitOptions>, SignInLimitOptionsValidator>();
        builder.Services.AddSingleton<SignInThrottle>();
        return builder;
    }

    /// <summary>Security headers on every response (see <see cref="SecurityHeaders"/>).</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>();
        return app;
    }
}
