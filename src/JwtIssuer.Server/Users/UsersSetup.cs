using JwtIssuer.Access;
using JwtIssuer.Server.Data;
using Microsoft.AspNetCore.Identity;

namespace JwtIssuer.Server.Users;

internal static class UsersSetup
{
    /// <summary>OWASP's 2023 floor for PBKDF2-HMAC-SHA512, which Identity's v3 hashes use.</summary>
    public const int PasswordHashIterations = 210_000;

    public const int MaxFailedAccessAttempts = 5;

    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    /// <summary>ASP.NET Core Identity over EF Core: password hashing, lockout, and the disabled flag.</summary>
    public static IHostApplicationBuilder AddUsers(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<PasswordHasherOptions>(options => options.IterationCount = PasswordHashIterations);

        builder.Services.AddIdentityCore<User>(options =>
            {
                options.User.RequireUniqueEmail = true;
                // Length beats composition rules (NIST SP 800-63B): long passphrases, no forced symbols.
                options.Password.RequiredLength = 12;
                options.Password.RequiredUniqueChars = 4;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = MaxFailedAccessAttempts;
                options.Lockout.DefaultLockoutTimeSpan = LockoutDuration;
                // Identity consults IUserConfirmation only when this is on; ours says "not disabled", so every
                // SignInManager path (not only AgentSignIn) refuses a disabled user.
                options.SignIn.RequireConfirmedAccount = true;
            })
            .AddSignInManager()
            .AddClaimsPrincipalFactory<UserClaimsFactory>()
            .AddUserConfirmation<NotDisabledConfirmation>()
            .AddEntityFrameworkStores<JwtIssuerDbContext>()
            .AddDefaultTokenProviders();

        builder.Services.AddSingleton<UserStatusSnapshot>();
        builder.Services.AddScoped<UserAdministration>();
        // Scoped: it uses Identity's ILookupNormalizer, which Identity registers per scope.
        builder.Services.AddScoped<ITokenAccessPolicy, ActiveUserAccessPolicy>();
        return builder;
    }
}
