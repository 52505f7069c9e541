using JwtIssuer.Configuration;
using JwtIssuer.Server.SignIn.OpenIdConnect;
using JwtIssuer.Server.SignIn.Password;

namespace JwtIssuer.Server.SignIn;

internal static class SignInSetup
{
    /// <summary>
    /// How agents sign in: <c>Authentication</c> (the password form on or off, and the company's OpenID Connect
    /// provider), with everything of each way in its own folder.
    /// </summary>
    public static IHostApplicationBuilder AddSignIn(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<AuthenticationSettings, AuthenticationSettingsValidator>(builder.Configuration, AuthenticationSettings.SectionName);
        builder.AddPasswordSignIn();
        builder.AddOpenIdConnectSignIn();
        return builder;
    }
}
