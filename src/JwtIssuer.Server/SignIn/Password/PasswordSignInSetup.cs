using JwtIssuer.Configuration;

namespace JwtIssuer.Server.SignIn.Password;

internal static class PasswordSignInSetup
{
    /// <summary>
    /// Password sign-in at <c>/login</c> (<c>Authentication:LocalAccounts</c> turns it off): one PBKDF2 check per
    /// attempt, limited per address and per account (<c>SignInLimits:*</c>), counted in <c>jwtissuer.sign_ins</c>.
    /// </summary>
    public static IHostApplicationBuilder AddPasswordSignIn(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<SignInLimitOptions, SignInLimitOptionsValidator>(builder.Configuration, SignInLimitOptions.SectionName);
        builder.Services.AddSingleton<SignInThrottle>();
        builder.Services.AddSingleton<SignInMetrics>();
        builder.Services.AddScoped<AgentSignIn>();
        return builder;
    }
}
