using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Security;

internal static class SecuritySetup
{
    /// <summary>Sign-in rate limits (<c>SignInLimits:*</c>) and HSTS.</summary>
    public static IHostApplicationBuilder AddSecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SignInLimitOptions>()
            .Bind(builder.Configuration.GetSection(SignInLimitOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SignInLimitOptions>, SignInLimitOptionsValidator>();
        builder.Services.AddSingleton<SignInThrottle>();
        builder.Services.AddHsts(options => options.MaxAge = TimeSpan.FromDays(365));
        return builder;
    }

    /// <summary>Security headers on every response; HSTS on HTTPS outside Development.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseMiddleware<SecurityHeaders>();
        return app;
    }
}
