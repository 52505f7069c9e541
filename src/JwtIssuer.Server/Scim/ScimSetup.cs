using JwtIssuer.Configuration;

namespace JwtIssuer.Server.Scim;

internal static class ScimSetup
{
    /// <summary>SCIM 2.0 provisioning (<c>Scim:*</c>): the tokens, the users' mapping, and the gate before every route.</summary>
    public static IHostApplicationBuilder AddScim(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<ScimOptions, ScimOptionsValidator>(builder.Configuration, ScimOptions.SectionName);
        builder.Services.AddScoped<ScimTokens>();
        builder.Services.AddScoped<ScimUsers>();
        builder.Services.AddSingleton<ScimAccess>();
        return builder;
    }
}
